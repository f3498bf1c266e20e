import type { Logger } from '@portcullis/shared/http';
import type { RuntimeOptions } from '@portcullis/shared/runtime';
import { AUDIT_SERVICE } from './app.js';
import type { AuditConfig } from './config.js';
import { auditEntities } from './entities/index.js';
import { auditMigrations } from './migrations/index.js';

/** What audit's process runtime is made of (main.ts, the tests and the benchmarks all start it this way). */
export function auditRuntimeOptions(config: AuditConfig, logger: Logger, overrides: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return { service: AUDIT_SERVICE, config, logger, entities: auditEntities, migrations: auditMigrations, createsAuditStream: true, ...overrides };
}
