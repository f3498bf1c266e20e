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
}

export class EventRepository {
  constructor(private readonly em: EntityManager) {}

  async exists(id: string): Promise<boolean> {
    return (await this.em.count(StoredEventSchema, { id })) > 0;
  }

  /** The newest link of the chain. */
  async head(): Promise<{ sequence: string; hash: string } | null> {
    const rows = await this.em.execute<{ sequence: string; hash: string }[]>(
      'select e.sequence::text as sequence, e.hash from events e order by e.sequence desc limit 1',
    );
    return rows[0] ?? null;
  }

  insert(row: { event: AuditEvent; sequence: string; prevHash: string; hash: string }): StoredEvent {
    const { event } = row;
    return this.em.create(StoredEventSchema, {
      id: event.id,
      sequence: row.sequence,
      type: event.type,
      source: event.source,
      subject: event.subject,
      tenantId: event.tenantid ?? null,
      actorId: event.data.actor.user_id ?? null,
      time: new Date(event.time),
      event,
      prevHash: row.prevHash,
      hash: row.hash,
      storedAt: new Date(),
    });
  }

  /** Newest first; `limit` rows at most. */
  find(filter: EventFilter, limit: number): Promise<StoredEvent[]> {
    const where: Record<string, unknown> = {};
    if (filter.type) where.type = filter.type;
    if (filter.actorId) where.actorId = filter.actorId;
    if (filter.tenantId) where.tenantId = filter.tenantId;
    if (filter.tenantIds) where.tenantId = filter.tenantId ? { $eq: filter.tenantId, $in: filter.tenantIds } : { $in: filter.tenantIds };
    if (filter.from || filter.to) where.time = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    if (filter.beforeSequence) where.sequence = { $lt: filter.beforeSequence };
    return this.em.find(StoredEventSchema, where, { orderBy: { sequence: 'desc' }, limit });
  }
}
