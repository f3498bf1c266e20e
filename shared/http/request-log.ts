import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { routeLabel } from './metrics.js';

/** One log line per request; a child logger with the request id is left on `ctx.state.log` for handlers. */
export function requestLog(logger: Logger) {
  return async function logRequest(ctx: Context, next: Next): Promise<void> {
    const started = performance.now();
    const log = logger.child({ request_id: ctx.state.requestId });
    ctx.state.log = log;
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
      if (ctx.state.logError) log.error({ ...line, err: ctx.state.logError }, 'request failed');
      else if (ctx.path === '/healthz' || ctx.path === '/readyz' || ctx.path === '/metrics') log.debug(line, 'request');
      else log.info(line, 'request');
    }
  };
}
