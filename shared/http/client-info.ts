import { isIP } from 'node:net';
import type { Context } from 'koa';

export interface ClientInfo {
  ip?: string;
  user_agent?: string;
  request_id: string;
}

/** What audit events record about the caller of this request. An address that is not one (a forged header) is left out. */
export function clientInfo(ctx: Context): ClientInfo {
  const userAgent = ctx.get('user-agent');
  const ip = ctx.ip && isIP(ctx.ip) ? ctx.ip : undefined;
  return {
    ...(ip ? { ip } : {}),
    ...(userAgent ? { user_agent: userAgent.slice(0, 512) } : {}),
    request_id: String(ctx.state.requestId ?? ''),
  };
}
