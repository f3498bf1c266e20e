import { v7 as uuidv7 } from 'uuid';

export type Outcome = 'success' | 'failure' | 'denied';

export interface Actor {
  user_id: string | null;
  impersonator_id?: string;
  ip?: string;
  user_agent?: string;
}

export interface AuditEventData {
  actor: Actor;
  outcome: Outcome;
  target: Record<string, unknown>;
  changes?: { before: unknown; after: unknown };
  reason?: string;
  request_id: string;
}

/** A CloudEvents 1.0 structured event, as published on `audit.<service>.<entity>.<verb>`. */
export interface AuditEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  tenantid?: string;
  data: AuditEventData;
}

export interface NewAuditEvent {
  service: string;
  /** `<entity>.<verb>`, e.g. `login.succeeded`. */
  action: string;
  subject: string;
  tenantId?: string;
  data: AuditEventData;
  time?: Date;
}

/** Builds the envelope with a time-ordered id (UUIDv7). */
export function buildAuditEvent(input: NewAuditEvent): AuditEvent {
  return {
    specversion: '1.0',
    id: uuidv7(),
    source: `portcullis/${input.service}`,
    type: `portcullis.${input.service}.${input.action}`,
    time: (input.time ?? new Date()).toISOString(),
    subject: input.subject,
    datacontenttype: 'application/json',
    ...(input.tenantId ? { tenantid: input.tenantId } : {}),
    data: input.data,
  };
}

/** `portcullis.identity.login.succeeded` → `audit.identity.login.succeeded` (plus the deployment's prefix). */
export function auditSubject(event: Pick<AuditEvent, 'type'>, prefix = ''): string {
  return `${prefix}audit.${event.type.replace(/^portcullis\./, '')}`;
}

/**
 * Whether an event came on the subject its own type names and says it comes from the service that subject belongs
 * to. NATS lets only service X publish on `audit.X.>`, so an event failing this was forged by another publisher.
 */
export function arrivedOnItsOwnSubject(event: Pick<AuditEvent, 'type' | 'source'>, subject: string, prefix = ''): boolean {
  const service = /^portcullis\.([a-z]+)\./.exec(event.type)?.[1];
  return service !== undefined && event.source === `portcullis/${service}` && subject === auditSubject(event, prefix);
}
