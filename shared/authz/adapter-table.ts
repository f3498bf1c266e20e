import { createRequire } from 'node:module';
import pg from 'pg';
import { POLICY_SCHEMA } from './policy-store.js';

const require = createRequire(import.meta.url);
// casbin-pg-adapter is CommonJS.
const PostgresAdapter = (require('casbin-pg-adapter') as { default: typeof import('casbin-pg-adapter').default }).default;

/** A casbin-pg-adapter client whose every connection works in the policy schema. */
function schemaClient(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const dbClient = async <T>(exec: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query(`create schema if not exists "${POLICY_SCHEMA}"`);
      await client.query(`set search_path to "${POLICY_SCHEMA}"`);
      return await exec(client);
    } finally {
      client.release();
    }
  };
  return { pool, dbClient };
}

/** Runs casbin-pg-adapter's own migrations, which create its `casbin` table, in the policy schema. */
export async function migrateAdapterTable(databaseUrl: string): Promise<void> {
  const { pool, dbClient } = schemaClient(databaseUrl);
  try {
    await PostgresAdapter.migrate({ dbClient });
  } finally {
    await pool.end();
  }
}

/** An adapter over the stored policy (used by the policy command to read what is in force). */
export async function openAdapter(databaseUrl: string) {
  const { pool, dbClient } = schemaClient(databaseUrl);
  const adapter = await PostgresAdapter.newAdapter({ dbClient, migrate: false });
  return { adapter, close: () => pool.end() };
}
