import type { Context } from 'koa';
import type { Actor } from '../events/envelope.js';
import { clientInfo } from '../http/client-info.js';
import { principalOf } from './principal.js';

/** Who did it and in which request, as audit events record it; an impersonator is always named. */
export interface AuditContext {
  actor: Actor;
  request_id: string;
}

export function auditContext(ctx: Context): AuditContext {
  const principal = principalOf(ctx);
  const { request_id, ...client } = clientInfo(ctx);
  return {
    actor: { user_id: principal.user_id, ...(principal.impersonator_id ? { impersonator_id: principal.impersonator_id } : {}), ...client },
    request_id,
  };
}
