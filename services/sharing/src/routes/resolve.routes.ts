import { z } from 'zod';
import type { Context, Next } from 'koa';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { bearerToken } from '@portcullis/shared/auth';
import { ResolvedShareView } from '@portcullis/shared/contracts';
import { ApiRouter, clientInfo, TooManyRequests } from '@portcullis/shared/http';
import type { ShareResolver } from '../services/share-resolver.js';

export interface ResolveLimits {
  /** Attempts per source address per window. */
  points: number;
  windowMs: number;
}

/** A link's token must never leak on through Referer, nor sit in a cache: on every answer, errors included. */
async function noLeaks(ctx: Context, next: Next): Promise<void> {
  ctx.set('referrer-policy', 'no-referrer');
  ctx.set('cache-control', 'no-store');
  await next();
}

/**
 * Resolves per source address, counted in this process. Guessing a 256-bit token is hopeless anyway; the limit keeps
 * guessing (and view-log spam) cheap to stop. Behind a gateway the address is the client's (x-forwarded-for).
 */
function limitPerSource(limits: ResolveLimits) {
  const limiter = new RateLimiterMemory({ points: limits.points, duration: Math.max(1, Math.round(limits.windowMs / 1000)) });
  return async function rateLimit(ctx: Context, next: Next): Promise<void> {
    try {
      await limiter.consume(ctx.ip || 'unknown');
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new TooManyRequests(rejection.msBeforeNext / 1000, 'Too many link resolves from this address; try again later.');
      throw rejection;
    }
    await next();
  };
}

export function resolveRoutes(resolver: ShareResolver, limits: ResolveLimits): ApiRouter {
  return new ApiRouter('/v1').get('/s/:token', {
    summary: "Open a link: the resource it names and a short-lived grant token for it (authz accepts it as the bearer). A `tenant` link needs a member's bearer token",
    operationId: 'resolveShare',
    tags: ['resolve'],
    access: 'public',
    before: [noLeaks, limitPerSource(limits)],
    // Any text is a token that may or may not exist: a truncated or mistyped link is 404, like an unknown one.
    params: z.object({ token: z.string().max(256) }),
    responses: { 200: { description: 'The resource and a grant token', schema: ResolvedShareView } },
    // 401: a `tenant` link without a bearer token; 404: no such link, revoked, or not a member of its tenant.
    problems: ['unauthorized', 'invalid-token', 'not-found', 'gone', 'rate-limited'],
  }, async (ctx, { params }) => {
    ctx.body = await resolver.resolve(params.token, bearerToken(ctx), clientInfo(ctx));
  });
}
