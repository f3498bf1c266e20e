export { createOrm, runMigrations, ensureDatabase, dropDatabase, type OrmOptions } from './orm.js';
export { withAdvisoryLock, advisoryKey } from './advisory-lock.js';
export type { AuditRecord, OutboxRow, PolicyWrites, RunOptions, Transaction, UnitOfWork } from './unit-of-work.js';
export { OrmUnitOfWork, type OrmUnitOfWorkOptions } from './orm-unit-of-work.js';
