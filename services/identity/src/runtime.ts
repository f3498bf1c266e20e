import type { Logger } from '@portcullis/shared/http';
import type { RuntimeOptions } from '@portcullis/shared/runtime';
import type { IdentityConfig } from './config.js';
import { identityEntities } from './entities/index.js';
import { IDENTITY_SERVICE } from './events/identity-events.js';
import { identityMigrations } from './migrations/index.js';

/** What identity's process runtime is made of (main.ts, the tests and the benchmarks all start it this way). */
export function identityRuntimeOptions(config: IdentityConfig, logger: Logger, overrides: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return { service: IDENTITY_SERVICE, config, logger, entities: identityEntities, migrations: identityMigrations, revocationsTtlMs: config.REVOKED_SESSIONS_TTL, ...overrides };
}
