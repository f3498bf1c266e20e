// Test support: in-memory repositories' building blocks and the unit of work over them. Never imported by src/.
export { InMemoryTable, type TableOptions } from './in-memory-table.js';
export { InMemoryLocks, currentRun } from './in-memory-run.js';
export { InMemoryPolicy } from './in-memory-policy.js';
export { InMemoryUnitOfWork } from './in-memory-unit-of-work.js';
