import type { Logger } from '@portcullis/shared/http';
import type { RuntimeOptions } from '@portcullis/shared/runtime';
import type { AuthzConfig } from './config.js';
import { authzEntities } from './entities/index.js';
import { AUTHZ_SERVICE } from './events/authz-events.js';
import { authzMigrations } from './migrations/index.js';

/** What authz's process runtime is made of (main.ts, the tests and the benchmarks all start it this way). */
export function authzRuntimeOptions(config: AuthzConfig, logger: Logger, overrides: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return { service: AUTHZ_SERVICE, config, logger, entities: authzEntities, migrations: authzMigrations, ...overrides };
}
