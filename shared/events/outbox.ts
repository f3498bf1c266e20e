import type { EntityManager } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
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
    const row = this.prepare(input);
    em.create(OutboxMessageSchema, { ...row, attempts: 0 });
    return row.payload;
  }

  /**
   * The outbox row for an event, for callers that write it with their own SQL (a hot path that changes, logs and
   * records in one statement). The row must still be written in the same transaction as the change.
   */
  prepare(input: Omit<NewAuditEvent, 'service'>): { id: string; subject: string; payload: AuditEvent; createdAt: Date } {
    const event = buildAuditEvent({ ...input, service: this.service });
    assertValidAuditEvent(event);
    return { id: event.id, subject: auditSubject(event, this.subjectPrefix), payload: event, createdAt: new Date(event.time) };
  }

  /**
   * A message that is not an audit event, to publish to JetStream after the commit like one (a revocation for the
   * revoked-sessions bucket, say): it leaves if and only if the change it announces commits.
   */
  recordMessage(em: EntityManager, subject: string, payload: Record<string, unknown>): void {
    em.create(OutboxMessageSchema, { id: uuidv7(), subject, payload, createdAt: new Date(), attempts: 0 });
  }

  /** Call after the transaction that recorded events commits: wakes the relay so events leave at once. */
  committed(): void {
    this.onCommitted();
  }
}
