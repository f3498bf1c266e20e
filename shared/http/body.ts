import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { InvalidRequest, PayloadTooLarge, UnsupportedMediaType } from './errors.js';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

function hasBody(ctx: Context): boolean {
  return (ctx.request.length ?? 0) > 0 || ctx.get('transfer-encoding') !== '';
}

/**
 * Rejects a declared oversize body before reading it, refuses non-JSON bodies (415) instead of silently ignoring them,
 * and parses JSON with the same limit for chunked uploads.
 */
export function jsonBody(limitBytes = DEFAULT_BODY_LIMIT_BYTES) {
  // DELETE too: some deletions need a proof in the body (turning MFA off takes a code).
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limitBytes, encoding: 'utf-8', parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'] });
  return async function readJsonBody(ctx: Context, next: Next): Promise<void> {
    if ((ctx.request.length ?? 0) > limitBytes) throw new PayloadTooLarge(limitBytes);
    if (hasBody(ctx) && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method) && !ctx.is('json')) {
      throw new UnsupportedMediaType();
    }
    let parsed = false;
    try {
      await parse(ctx, async () => {
        parsed = true;
      });
    } catch (error) {
      // Errors with a status (too large, bad JSON, unknown encoding) say what is wrong; one without is a body that
      // could not be decoded at all, such as "gzip" content that is not gzip — the caller's fault, not ours.
      if (typeof (error as { status?: unknown }).status === 'number') throw error;
      throw new InvalidRequest(`The request body could not be decoded as its content-encoding (${ctx.get('content-encoding') || 'identity'}) says.`);
    }
    // The parser answers a request already closed by the caller itself, without going on.
    if (parsed) await next();
  };
}
