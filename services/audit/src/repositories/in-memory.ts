// In-memory audit repositories for unit tests of the hash chain (see @portcullis/shared/db/testing).
import { InMemoryLocks, InMemoryTable, InMemoryUnitOfWork } from '@portcullis/shared/db/testing';
import type { StoredEvent } from '../entities/stored-event.entity.js';
import type { ChainCheckpoint, DeletedLinks, EventFilter, Events, NewStoredEvent } from './event.repository.js';
import type { AuditRepositories } from './index.js';

const bySequence = (a: StoredEvent, b: StoredEvent) => (BigInt(a.sequence) < BigInt(b.sequence) ? -1 : BigInt(a.sequence) > BigInt(b.sequence) ? 1 : 0);

interface CheckpointRow extends ChainCheckpoint {
  id: '1';
  deletedBefore: Date;
}

export class InMemoryEvents implements Events {
  // The sequence is unique, as in Postgres: two appends that read the same head cannot both commit.
  readonly table = new InMemoryTable<StoredEvent>({ key: (e) => e.id, unique: [(e) => `sequence:${e.sequence}`] });
  readonly checkpoints = new InMemoryTable<CheckpointRow>({ key: (c) => c.id });

  /** The chain in sequence order. */
  chain(): StoredEvent[] {
    return this.table.find().sort(bySequence);
  }

  async existingIds(ids: string[]) {
    const wanted = new Set(ids);
    return new Set(this.table.find((e) => wanted.has(e.id)).map((e) => e.id));
  }

  async head() {
    const newest = this.chain().at(-1);
    return newest ? { sequence: newest.sequence, hash: newest.hash } : null;
  }

  async checkpoint() {
    const row = this.checkpoints.get('1');
    return row ? { sequence: row.sequence, hash: row.hash } : null;
  }

  async insertMany(rows: NewStoredEvent[]) {
    const storedAt = new Date();
    for (const { event, sequence, prevHash, hash } of rows) {
      this.table.insert({
        id: event.id,
        sequence,
        type: event.type,
        source: event.source,
        subject: event.subject,
        tenantId: event.tenantid ?? null,
        actorId: event.data.actor.user_id ?? null,
        time: new Date(event.time),
        event,
        prevHash,
        hash,
        storedAt,
      });
    }
  }

  async find(filter: EventFilter, limit: number) {
    const rows = this.table.find(
      (e) =>
        (!filter.type || e.type === filter.type) &&
        (!filter.actorId || e.actorId === filter.actorId) &&
        (!filter.tenantId || e.tenantId === filter.tenantId) &&
        (!filter.tenantIds || filter.tenantIds.includes(e.tenantId ?? '')) &&
        (!filter.from || e.time >= filter.from) &&
        (!filter.to || e.time < filter.to) &&
        (!filter.beforeSequence || BigInt(e.sequence) < BigInt(filter.beforeSequence)) &&
        (!filter.afterSequence || BigInt(e.sequence) > BigInt(filter.afterSequence)),
    );
    rows.sort(bySequence);
    if (!filter.afterSequence) rows.reverse();
    return rows.slice(0, limit);
  }

  async deleteOldest(cutoff: Date, limit: number): Promise<DeletedLinks> {
    const chain = this.chain();
    const firstKept = chain.findIndex((e) => e.storedAt >= cutoff);
    const doomed = chain.slice(0, Math.min(firstKept === -1 ? chain.length : firstKept, limit));
    for (const event of doomed) this.table.delete(event);
    const last = doomed.at(-1);
    return { deleted: doomed.length, last: last ? { sequence: last.sequence, hash: last.hash } : null };
  }

  async saveCheckpoint(link: ChainCheckpoint, deletedBefore: Date) {
    const row = this.checkpoints.get('1');
    if (row) Object.assign(row, link, { deletedBefore });
    else this.checkpoints.insert({ id: '1', ...link, deletedBefore });
  }
}

export interface InMemoryAuditRepositories extends AuditRepositories {
  events: InMemoryEvents;
}

/** Audit's unit of work over in-memory repositories. */
export function inMemoryAudit(): InMemoryUnitOfWork<InMemoryAuditRepositories> {
  const locks = new InMemoryLocks();
  return new InMemoryUnitOfWork<InMemoryAuditRepositories>({ events: new InMemoryEvents() }, locks, 'audit');
}
