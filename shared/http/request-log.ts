import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { routeLabel } from './metrics.js';

/**
 * One log line per request; a child logger with the request id is on `ctx.state.log` for handlers, made only when
 * something uses it (making one per request costs more than a gateway's sub-request does otherwise).
 */
export function requestLog(logger: Logger) {
  return async function logRequest(ctx: Context, next: Next): Promise<void> {
    const started = performance.now();
    let child: Logger | undefined;
    const log = () => (child ??= logger.child({ request_id: ctx.state.requestId }));
    Object.defineProperty(ctx.state, 'log', { get: log, enumerable: true, configurable: true });
    try {
      await next();
    } finally {
      const line = {
        method: ctx.method,
        path: ctx.path,
        route: routeLabel(ctx),
        status: ctx.status,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
      };
      const quiet = ctx.path === '/healthz' || ctx.path === '/readyz' || ctx.path === '/metrics';
      if (ctx.state.logError) log().error({ ...line, err: ctx.state.logError }, 'request failed');
      else if (logger.isLevelEnabled(quiet ? 'debug' : 'info')) log()[quiet ? 'debug' : 'info'](line, 'request');
    }
  };
}
