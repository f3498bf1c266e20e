import Koa, { type Context, type Next } from 'koa';
import Router from '@koa/router';
import type { MikroORM } from '@mikro-orm/core';
import { RequestContext } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { ApiRouter } from './api-router.js';
import { DEFAULT_BODY_LIMIT_BYTES, jsonBody } from './body.js';
import { MethodNotAllowed, NotFound, NotImplemented } from './errors.js';
import { healthRoutes, type ReadinessCheck } from './health.js';
import { createHttpMetrics } from './metrics.js';
import { buildOpenApi, type DocumentedRoute } from './openapi.js';
import { problemMiddleware } from './problem-middleware.js';
import { requestId } from './request-id.js';
import { requestLog } from './request-log.js';

export interface HttpAppOptions {
  service: string;
  version?: string;
  logger: Logger;
  routers: ApiRouter[];
  readiness: ReadinessCheck[];
  /** When given, each request runs in its own MikroORM identity map. */
  orm?: MikroORM;
  bodyLimitBytes?: number;
  /** Extra plain routers (e.g. `/.well-known/*`) mounted at the root. */
  extraRouters?: Router[];
  /** How the extra routers' routes read in the OpenAPI document. */
  documented?: DocumentedRoute[];
  /**
   * Proxies in front that each append to X-Forwarded-For (TRUSTED_PROXY_HOPS; the gateway: 1). The client's address is
   * that many entries from the right, never one a client wrote; with 0 the header is ignored.
   */
  trustedProxyHops?: number;
}

export interface HttpApp {
  app: Koa;
  openApi: Record<string, unknown>;
}

/**
 * Answers carry tokens, secrets and personal data: nothing is stored by a cache unless a route says otherwise (the
 * JWKS and discovery documents do). RFC 6749 §5.1 asks this of token responses.
 */
async function noStore(ctx: Context, next: Next): Promise<void> {
  ctx.set('cache-control', 'no-store');
  ctx.set('pragma', 'no-cache');
  await next();
}

/** The one Koa app shape every service uses: ids, logs, metrics, problem+json, body limits, health, OpenAPI. */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const hops = options.trustedProxyHops ?? 1;
  const app = new Koa({ proxy: hops > 0, maxIpsCount: hops });
  // Errors are logged by requestLog with the request id; Koa's own printer would log them twice.
  app.silent = true;
  const metrics = createHttpMetrics(options.service);
  const openApi = buildOpenApi({ title: `Portcullis ${options.service}`, version: options.version ?? '0.1.0', service: options.service }, options.routers, options.documented);

  const system = new Router();
  system.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  system.get('/openapi.json', (ctx) => {
    ctx.body = openApi;
  });

  app.use(requestId);
  app.use(noStore);
  app.use(requestLog(options.logger));
  app.use(metrics.middleware);
  app.use(problemMiddleware(bodyLimit));
  app.use(jsonBody(bodyLimit));
  if (options.orm) {
    const orm = options.orm;
    app.use((_ctx: Context, next: Next) => RequestContext.create(orm.em, next));
  }
  // Runs after every router (and its 405 check) has had its turn: nothing answered means no such route.
  app.use(async (ctx: Context, next: Next) => {
    await next();
    if (ctx.body != null) return;
    if (ctx.status === 404) throw new NotFound(`No route for ${ctx.method} ${ctx.path}.`);
    if (ctx.status === 405) throw new MethodNotAllowed(ctx.response.get('allow').split(/,\s*/).filter(Boolean));
    if (ctx.status === 501) throw new NotImplemented();
  });
  const routers = [healthRoutes(options.readiness), system, ...(options.extraRouters ?? []), ...options.routers.map((r) => r.router)];
  for (const router of routers) {
    app.use(router.routes());
    // Sets 405/501 with an Allow header; the fallback above turns them into problem+json.
    app.use(router.allowedMethods());
  }
  return { app, openApi };
}

