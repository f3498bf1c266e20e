import type { AuditEventItem } from '@portcullis/shared/contracts/views';

/** What the event table shows of an event's `data`: the usual fields, each only when it has the expected type. */
export interface EventData {
  actor?: { user_id?: string; impersonator_id?: string; ip?: string };
  outcome?: string;
  target?: Record<string, unknown>;
  reason?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const stringOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** An audit event's `data` as the table shows it: the view types it only as an object, so each field is checked. */
export function readEventData(data: AuditEventItem['data']): EventData {
  const actor = isObject(data.actor) ? data.actor : undefined;
  return {
    actor: actor && {
      user_id: stringOrUndefined(actor.user_id),
      impersonator_id: stringOrUndefined(actor.impersonator_id),
      ip: stringOrUndefined(actor.ip),
    },
    outcome: stringOrUndefined(data.outcome),
    target: isObject(data.target) ? data.target : undefined,
    reason: stringOrUndefined(data.reason),
  };
}
