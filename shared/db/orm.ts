import { MikroORM, type EntitySchema, type MigrationObject } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';

export interface OrmOptions {
  databaseUrl: string;
  /** The service's own Postgres schema; no service reads another's. */
  schema: string;
  entities: EntitySchema[];
  migrations: MigrationObject[];
  debug?: boolean;
  poolMax?: number;
}

/** MikroORM for one service: its entities, its schema, its hand-written migrations (never schema sync). */
export async function createOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: options.databaseUrl,
    schema: options.schema,
    entities: options.entities,
    extensions: [Migrator],
    migrations: {
      migrationsList: options.migrations,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: {
      min: 0,
      max: options.poolMax ?? 10,
      // Raw SQL (migrations, relay, reports) names tables unqualified; they resolve to the service's schema.
      afterCreate: (connection: { query: (sql: string, done: (error?: Error) => void) => void }, done: (error: Error | undefined, c: unknown) => void) => {
        connection.query(`set search_path to "${options.schema}", public`, (error) => done(error, connection));
      },
    },
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    debug: options.debug ?? false,
    // Timestamps are stored as timestamptz and read back as Date in UTC.
    timezone: '+00:00',
  });
}

/** Applies pending migrations in the service schema (the migrator creates the schema when missing). */
export async function runMigrations(orm: MikroORM): Promise<string[]> {
  const schema = orm.config.get('schema');
  if (schema) await orm.em.fork().execute(`create schema if not exists "${schema}"`);
  const executed = await orm.getMigrator().up();
  return executed.map((m) => m.name);
}

function adminUrl(databaseUrl: string): { admin: string; database: string } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  return { admin: url.toString(), database };
}

/** Creates the database named in `databaseUrl` when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { admin, database } = adminUrl(databaseUrl);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount) return false;
    await client.query(`create database "${database.replaceAll('"', '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}

/** Drops the database named in `databaseUrl`, disconnecting anyone still on it. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const { admin, database } = adminUrl(databaseUrl);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`drop database if exists "${database.replaceAll('"', '""')}" with (force)`);
  } finally {
    await client.end();
  }
}
