import type { Logger } from '@portcullis/shared/http';
import type { RuntimeOptions } from '@portcullis/shared/runtime';
import type { SharingConfig } from './config.js';
import { sharingEntities } from './entities/index.js';
import { SHARING_SERVICE } from './events/sharing-events.js';
import { sharingMigrations } from './migrations/index.js';

/** What sharing's process runtime is made of (main.ts, the tests and the benchmarks all start it this way). */
export function sharingRuntimeOptions(config: SharingConfig, logger: Logger, overrides: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return { service: SHARING_SERVICE, config, logger, entities: sharingEntities, migrations: sharingMigrations, ...overrides };
}
