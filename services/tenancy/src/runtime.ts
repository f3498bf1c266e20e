import type { Logger } from '@portcullis/shared/http';
import type { RuntimeOptions } from '@portcullis/shared/runtime';
import type { TenancyConfig } from './config.js';
import { tenancyEntities } from './entities/index.js';
import { TENANCY_SERVICE } from './events/tenancy-events.js';
import { tenancyMigrations } from './migrations/index.js';

/** What tenancy's process runtime is made of (main.ts, the tests and the benchmarks all start it this way). */
export function tenancyRuntimeOptions(config: TenancyConfig, logger: Logger, overrides: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return { service: TENANCY_SERVICE, config, logger, entities: tenancyEntities, migrations: tenancyMigrations, ...overrides };
}
