// NKeys for every NATS user: the seed is the client's secret (NATS_NKEY_SEED), the public key goes to the server
// (PORTCULLIS_NATS_<USER>_NKEY). make dev keeps one set in .dev/nats/keys.json; each test run makes its own.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createUser, fromSeed } from '@nats-io/nkeys';
import { nkeyVariable } from './auth-config.js';
import { NATS_USERS, type NatsUser } from './permissions.js';

export type NatsKeys = Record<NatsUser, { public: string; seed: string }>;

export function generateNatsKeys(): NatsKeys {
  return Object.fromEntries(
    NATS_USERS.map((user) => {
      const pair = createUser();
      return [user, { public: pair.getPublicKey(), seed: new TextDecoder().decode(pair.getSeed()) }];
    }),
  ) as NatsKeys;
}

/** The keys in `file`, made (readable by the owner only) when missing or incomplete. */
export function loadOrCreateNatsKeys(file: string): NatsKeys {
  if (existsSync(file)) {
    const keys = JSON.parse(readFileSync(file, 'utf8')) as Partial<NatsKeys>;
    const complete = NATS_USERS.every((user) => keys[user]?.seed && fromSeed(new TextEncoder().encode(keys[user]!.seed)).getPublicKey() === keys[user]!.public);
    if (complete) return keys as NatsKeys;
  }
  const keys = generateNatsKeys();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return keys;
}

/** What the nats-server process needs in its environment: every user's public key. */
export function serverEnvironment(keys: NatsKeys): Record<string, string> {
  return Object.fromEntries(NATS_USERS.map((user) => [nkeyVariable(user), keys[user].public]));
}

/** The compose/.env name of a user's seed (npm run nats:keys -- --env). */
export function seedVariable(user: NatsUser): string {
  return `PORTCULLIS_NATS_${user.toUpperCase().replace(/-/g, '_')}_SEED`;
}

/** The key of a user's seed in the portcullis-nats-seeds Secret (npm run nats:keys -- --k8s). */
export function seedSecretKey(user: NatsUser): string {
  return `${user}-seed`;
}
