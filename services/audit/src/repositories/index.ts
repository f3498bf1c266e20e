import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { OrmUnitOfWork, type UnitOfWork } from '@portcullis/shared/db';
import { EventRepository, type Events } from './event.repository.js';

/** What audit's unit of work hands its services. */
export interface AuditRepositories {
  events: Events;
}

export const auditRepositories = (em: EntityManager): AuditRepositories => ({
  events: new EventRepository(em),
});

/** The hash chain's lock: appends and retention take turns under it, across every audit instance. */
export const AUDIT_CHAIN_LOCK = 'audit.chain';

/** Audit's unit of work over Postgres. Audit records no outbox events and changes no policy: neither is given. */
export function auditUnitOfWork(orm: MikroORM): UnitOfWork<AuditRepositories> {
  return new OrmUnitOfWork({ orm, repositories: auditRepositories });
}

export type { Events, EventFilter, NewStoredEvent, ChainCheckpoint, DeletedLinks } from './event.repository.js';
export { isSequence } from './event.repository.js';
