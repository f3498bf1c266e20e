import { EntitySchema } from '@mikro-orm/core';

/** A row of a service's transactional outbox: the event waits here until the relay has published it. */
export interface OutboxMessage {
  id: string;
  subject: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  publishedAt?: Date | null;
  attempts: number;
  lastError?: string | null;
}

export const OutboxMessageSchema = new EntitySchema<OutboxMessage>({
  name: 'OutboxMessage',
  tableName: 'outbox',
  properties: {
    id: { type: 'uuid', primary: true },
    subject: { type: 'text' },
    payload: { type: 'json', columnType: 'jsonb' },
    createdAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'created_at' },
    publishedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'published_at', nullable: true },
    attempts: { type: 'integer', default: 0 },
    lastError: { type: 'text', fieldName: 'last_error', nullable: true },
  },
});

/** The outbox table, for each service's first migration (kept here so every service's outbox is the same). */
export const CREATE_OUTBOX_TABLE_SQL = `
create table outbox (
  id uuid primary key,
  subject text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  published_at timestamptz,
  attempts integer not null default 0,
  last_error text
);
create index outbox_unpublished_idx on outbox (created_at) where published_at is null;
`;
