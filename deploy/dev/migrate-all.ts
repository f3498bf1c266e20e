import { migrateAdapterTable } from '@portcullis/shared/authz';
import { createOrm, ensureDatabase, runMigrations } from '@portcullis/shared/db';
import { serviceCatalog } from '../service-catalog.js';

/** Creates the database when missing and applies every service's pending migrations in its own schema. */
export async function migrateAll(databaseUrl: string): Promise<Record<string, string[]>> {
  await ensureDatabase(databaseUrl);
  const applied: Record<string, string[]> = {};
  for (const { service, entities, migrations } of serviceCatalog) {
    const orm = await createOrm({ databaseUrl, schema: service, entities, migrations, poolMax: 1 });
    try {
      applied[service] = await runMigrations(orm);
    } finally {
      await orm.close(true);
    }
  }
  // The policy rules live in casbin-pg-adapter's table, created by its own migrations in the authz schema.
  await migrateAdapterTable(databaseUrl);
  return applied;
}
