import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEvent } from '@portcullis/shared/events';
import { StoredEventSchema, type StoredEvent } from '../entities/stored-event.entity.js';

export interface EventFilter {
  type?: string;
  actorId?: string;
  tenantId?: string;
  /** Only events of these tenants (a caller's scope). */
  tenantIds?: string[];
  from?: Date;
  to?: Date;
  /** Only events with a smaller sequence (the page after a cursor, newest first). */
  beforeSequence?: string;
  /** Only events with a larger sequence (a stream resuming after an event). */
  afterSequence?: string;
}

/** Whether `text` can be a sequence: a Postgres bigint, so at most 2^63 − 1 (19 digits are not all in range). */
export function isSequence(text: string): boolean {
  return /^\d{1,19}$/.test(text) && BigInt(text) <= 9_223_372_036_854_775_807n;
}

export interface NewStoredEvent {
  event: AuditEvent;
  sequence: string;
  prevHash: string;
  hash: string;
}

/** The last link retention deleted: the retained chain continues from its hash. */
export interface ChainCheckpoint {
  sequence: string;
  hash: string;
}

/** What one retention batch deleted: how many events, and the last link deleted (the new checkpoint). */
export interface DeletedLinks {
  deleted: number;
  last: ChainCheckpoint | null;
}

/** The stored trail: the hash chain's links, appended under the chain's lock and deleted only from its start. */
export interface Events {
  /** Which of these ids are stored already. */
  existingIds(ids: string[]): Promise<Set<string>>;
  /** The newest link of the chain. */
  head(): Promise<ChainCheckpoint | null>;
  /** The last link retention deleted, if it ever did. */
  checkpoint(): Promise<ChainCheckpoint | null>;
  insertMany(rows: NewStoredEvent[]): Promise<void>;
  find(filter: EventFilter, limit: number): Promise<StoredEvent[]>;
  /**
   * Deletes the oldest events, up to `limit`, from the start of the chain and never past the first event stored at or
   * after `cutoff` (what remains stays contiguous).
   */
  deleteOldest(cutoff: Date, limit: number): Promise<DeletedLinks>;
  /** Records the last deleted link, so the retained chain still verifies from it. */
  saveCheckpoint(link: ChainCheckpoint, deletedBefore: Date): Promise<void>;
}

export class EventRepository implements Events {
  constructor(private readonly em: EntityManager) {}

  async existingIds(ids: string[]): Promise<Set<string>> {
    const rows = await this.em.execute<{ id: string }[]>('select id from events where id = any(?::uuid[])', [`{${ids.join(',')}}`]);
    return new Set(rows.map((r) => r.id));
  }

  async head(): Promise<ChainCheckpoint | null> {
    const rows = await this.em.execute<{ sequence: string; hash: string }[]>(
      'select e.sequence::text as sequence, e.hash from events e order by e.sequence desc limit 1',
    );
    return rows[0] ?? null;
  }

  async checkpoint(): Promise<ChainCheckpoint | null> {
    const rows = await this.em.execute<ChainCheckpoint[]>('select sequence::text as sequence, hash from chain_checkpoint where id = 1');
    return rows[0] ?? null;
  }

  /**
   * One insert for the whole batch, its rows passed as a single JSON parameter: per-row entity handling and
   * per-value quoting cost more than the database's own work here (measured in bench/audit-ingest.bench.ts).
   */
  async insertMany(rows: NewStoredEvent[]): Promise<void> {
    if (rows.length === 0) return;
    await this.em.execute(
      `insert into events (id, sequence, type, source, subject, tenant_id, actor_id, time, event, prev_hash, hash, stored_at)
       select r.id, r.sequence, r.type, r.source, r.subject, r.tenant_id, r.actor_id, r.time, r.event, r.prev_hash, r.hash, now()
       from jsonb_to_recordset(?::jsonb) as r(id uuid, sequence bigint, type text, source text, subject text, tenant_id uuid,
                                             actor_id text, time timestamptz, event jsonb, prev_hash text, hash text)`,
      [JSON.stringify(rows.map(toRecord))],
    );
  }

  async deleteOldest(cutoff: Date, limit: number): Promise<DeletedLinks> {
    const [result] = await this.em.execute<{ deleted: number; last_sequence: string | null; last_hash: string | null }[]>(
      `with doomed as (
         select e.sequence from events e
         where e.sequence < coalesce((select min(k.sequence) from events k where k.stored_at >= ?), 9223372036854775807)
         order by e.sequence limit ?
       ), removed as (
         delete from events d using doomed where d.sequence = doomed.sequence returning d.sequence, d.hash
       )
       select count(*)::int as deleted, max(r.sequence)::text as last_sequence,
              (select r2.hash from removed r2 order by r2.sequence desc limit 1) as last_hash
       from removed r`,
      [cutoff, limit],
    );
    const last = result.deleted && result.last_sequence && result.last_hash ? { sequence: result.last_sequence, hash: result.last_hash } : null;
    return { deleted: result.deleted, last };
  }

  async saveCheckpoint(link: ChainCheckpoint, deletedBefore: Date): Promise<void> {
    await this.em.execute(
      `insert into chain_checkpoint (id, sequence, hash, deleted_before, updated_at) values (1, ?, ?, ?, now())
       on conflict (id) do update set sequence = excluded.sequence, hash = excluded.hash, deleted_before = excluded.deleted_before, updated_at = now()`,
      [link.sequence, link.hash, deletedBefore],
    );
  }

  /** Newest first (oldest first with `afterSequence`); `limit` rows at most. */
  find(filter: EventFilter, limit: number): Promise<StoredEvent[]> {
    const where: Record<string, unknown> = {};
    if (filter.type) where.type = filter.type;
    if (filter.actorId) where.actorId = filter.actorId;
    if (filter.tenantId) where.tenantId = filter.tenantId;
    if (filter.tenantIds) where.tenantId = filter.tenantId ? { $eq: filter.tenantId, $in: filter.tenantIds } : { $in: filter.tenantIds };
    if (filter.from || filter.to) where.time = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    if (filter.beforeSequence) where.sequence = { $lt: filter.beforeSequence };
    if (filter.afterSequence) where.sequence = { $gt: filter.afterSequence };
    return this.em.find(StoredEventSchema, where, { orderBy: { sequence: filter.afterSequence ? 'asc' : 'desc' }, limit });
  }
}

/** A row as the insert's JSON parameter spells it (column names). */
function toRecord(row: NewStoredEvent) {
  const { event } = row;
  return {
    id: event.id,
    sequence: row.sequence,
    type: event.type,
    source: event.source,
    subject: event.subject,
    tenant_id: event.tenantid ?? null,
    actor_id: event.data.actor.user_id ?? null,
    time: event.time,
    event,
    prev_hash: row.prevHash,
    hash: row.hash,
  };
}
