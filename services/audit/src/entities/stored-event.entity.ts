import { EntitySchema } from '@mikro-orm/core';
import type { AuditEvent } from '@portcullis/shared/events';

/** One audit event as received, with its place and link in the hash chain. */
export interface StoredEvent {
  id: string;
  sequence: string;
  type: string;
  source: string;
  subject: string;
  tenantId?: string | null;
  actorId?: string | null;
  time: Date;
  event: AuditEvent;
  prevHash: string;
  hash: string;
  storedAt: Date;
}

export const StoredEventSchema = new EntitySchema<StoredEvent>({
  name: 'StoredEvent',
  tableName: 'events',
  properties: {
    id: { type: 'uuid', primary: true },
    sequence: { type: 'bigint', unique: true },
    type: { type: 'text' },
    source: { type: 'text' },
    subject: { type: 'text' },
    tenantId: { type: 'uuid', fieldName: 'tenant_id', nullable: true },
    actorId: { type: 'text', fieldName: 'actor_id', nullable: true },
    time: { type: 'datetime', columnType: 'timestamptz' },
    event: { type: 'json', columnType: 'jsonb' },
    prevHash: { type: 'text', fieldName: 'prev_hash' },
    hash: { type: 'text' },
    storedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'stored_at' },
  },
});
