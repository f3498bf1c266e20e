import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { PayloadTooLarge, UnsupportedMediaType } from './errors.js';

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
    await parse(ctx, next);
  };
}
