import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a caller's `x-request-id` (when it looks sane) or makes one, for logs, problems and audit events. */
export async function requestId(ctx: Context, next: Next): Promise<void> {
  const incoming = ctx.get('x-request-id');
  const id = ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
  ctx.state.requestId = id;
  ctx.set('x-request-id', id);
  await next();
}
