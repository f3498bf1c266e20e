export { createOrm, runMigrations, ensureDatabase, dropDatabase, type OrmOptions } from './orm.js';
export { withAdvisoryLock, advisoryKey } from './advisory-lock.js';
