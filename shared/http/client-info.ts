import type { Context } from 'koa';

export interface ClientInfo {
  ip?: string;
  user_agent?: string;
  request_id: string;
}

/** What audit events record about the caller of this request. */
export function clientInfo(ctx: Context): ClientInfo {
  const userAgent = ctx.get('user-agent');
  return {
    ...(ctx.ip ? { ip: ctx.ip } : {}),
    ...(userAgent ? { user_agent: userAgent.slice(0, 512) } : {}),
    request_id: String(ctx.state.requestId ?? ''),
  };
}
