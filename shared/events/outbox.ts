import type { EntityManager } from '@mikro-orm/core';
import { auditSubject, buildAuditEvent, type AuditEvent, type NewAuditEvent } from './envelope.js';
import { OutboxMessageSchema } from './outbox-message.entity.js';
import { assertValidAuditEvent } from './validate.js';

/**
 * Records audit events in the caller's unit of work, so they commit (or roll back) with the change they describe.
 * The relay publishes them afterwards.
 */
export class Outbox {
  constructor(
    private readonly service: string,
    private readonly subjectPrefix: string,
    private readonly onCommitted: () => void = () => {},
  ) {}

  /** Adds an event to `em`'s pending changes; it is written by the caller's flush/transaction commit. */
  record(em: EntityManager, input: Omit<NewAuditEvent, 'service'>): AuditEvent {
    const event = buildAuditEvent({ ...input, service: this.service });
    assertValidAuditEvent(event);
    em.create(OutboxMessageSchema, {
      id: event.id,
      subject: auditSubject(event, this.subjectPrefix),
      payload: event as unknown as Record<string, unknown>,
      createdAt: new Date(event.time),
      attempts: 0,
    });
    return event;
  }

  /** Call after the transaction that recorded events commits: wakes the relay so events leave at once. */
  committed(): void {
    this.onCommitted();
  }
}
