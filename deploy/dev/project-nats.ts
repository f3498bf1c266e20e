// The project's own authenticated nats-server (JetStream, the committed authorization config), for make dev, the tests
// and the benchmarks. An anonymous NATS (such as one already on 4222) is never used: production must never be anonymous,
// so nothing here is either. A server of your own can be used instead with NATS_URL and NATS_KEYS_FILE.
import { existsSync, readFileSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, type NatsConnection } from '@portcullis/shared/nats';
import type { NatsKeys } from '../nats/keys.js';
import { loadOrCreateNatsKeys } from '../nats/keys.js';
import type { NatsAuthOptions, NatsUser } from '../nats/permissions.js';
import { ensureDebianBinary } from './debian-package.js';
import { findNatsServerBinary, freePort, startNatsServer, type NatsServerHandle } from './nats-server.js';

export interface ProjectNats {
  url: string;
  keys: NatsKeys;
  /** Where the keys are (the seeds: readable by the owner only). */
  keysFile: string;
  /** What was started, for a banner; undefined when a given server is used. */
  started?: string;
  /** Restarts a server this process started (same port, data and keys). */
  restart?: () => Promise<void>;
  stop: () => Promise<void>;
}

export class NatsSetupError extends Error {}

/** The environment a process needs to be `user` on this NATS. */
export function natsEnvOf(nats: Pick<ProjectNats, 'url' | 'keys'>, user: NatsUser): { NATS_URL: string; NATS_NKEY_SEED: string } {
  return { NATS_URL: nats.url, NATS_NKEY_SEED: nats.keys[user].seed };
}

/** A connection as `user` (the operator, by default: tools and tests that provision or inspect). */
export function connectAs(nats: Pick<ProjectNats, 'url' | 'keys'>, name: string, user: NatsUser = 'operator'): Promise<NatsConnection> {
  return connectNats({ url: nats.url, name, user, credentials: { NATS_NKEY_SEED: nats.keys[user].seed } });
}

async function assertJetStream(nats: Pick<ProjectNats, 'url' | 'keys'>): Promise<void> {
  let nc: NatsConnection | undefined;
  try {
    nc = await connectAs(nats, 'portcullis-setup');
    await (await jetstreamManager(nc)).getAccountInfo();
  } catch (error) {
    throw new NatsSetupError(`NATS at ${nats.url} did not accept the operator's key or has no JetStream: ${(error as Error).message}`);
  } finally {
    await nc?.close();
  }
}

/**
 * NATS for this process tree: the one given by NATS_URL with its users' keys in NATS_KEYS_FILE, or else a nats-server
 * of the project's own on a free port (4222 when free), with data in `storeDir` and keys in `keysFile` (made once).
 */
export async function ensureProjectNats(options: {
  storeDir: string;
  keysFile: string;
  auth: NatsAuthOptions;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** A port to take when it is free (make dev: 4222); otherwise any free one. */
  preferPort?: number;
}): Promise<ProjectNats> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line) => console.log(line));
  if (env.NATS_URL) {
    if (!env.NATS_KEYS_FILE || !existsSync(env.NATS_KEYS_FILE)) {
      throw new NatsSetupError(
        `NATS_URL is set but NATS_KEYS_FILE does not name a keys file: every service needs its own NATS credentials (see deploy/nats/README.md). Unset NATS_URL to have the project start its own authenticated nats-server.`,
      );
    }
    const given = { url: env.NATS_URL, keys: JSON.parse(readFileSync(env.NATS_KEYS_FILE, 'utf8')) as NatsKeys, keysFile: env.NATS_KEYS_FILE };
    await assertJetStream(given);
    return { ...given, stop: async () => undefined };
  }
  const binary = ensureDebianBinary({
    pkg: 'nats-server',
    find: findNatsServerBinary,
    log,
    alternative: 'set NATS_URL (and NATS_KEYS_FILE) to a running server with JetStream and the Portcullis authorization config',
    unavailable: (message) => new NatsSetupError(message),
  });
  const keys = loadOrCreateNatsKeys(options.keysFile);
  const port = options.preferPort && (await portFree(options.preferPort)) ? options.preferPort : await freePort();
  const start = () => startNatsServer({ port, storeDir: options.storeDir, auth: { keys, options: options.auth }, binary });
  let server: NatsServerHandle = await start();
  const nats: ProjectNats = {
    url: server.url,
    keys,
    keysFile: options.keysFile,
    started: `nats-server with JetStream and the Portcullis authorization config (${server.url}, data in ${options.storeDir}, keys in ${options.keysFile})`,
    restart: async () => {
      await server.stop();
      server = await start();
    },
    stop: () => server.stop(),
  };
  await assertJetStream(nats);
  return nats;
}

async function portFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
