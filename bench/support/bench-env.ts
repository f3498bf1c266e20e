import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { NatsExchanges } from '@portcullis/shared/contracts';
import { answer, connectNats, type NatsConnection } from '@portcullis/shared/nats';
import type { NatsKeys } from '../../deploy/nats/keys.js';
import type { NatsUser } from '../../deploy/nats/permissions.js';
import { migrateAll } from '../../deploy/dev/migrate-all.js';
import { seedPolicy } from '../../deploy/dev/seed-policy.js';

/** A benchmark's own database, NATS subject prefix, audit stream and revoked-sessions bucket: runs never meet. */
export interface BenchEnv {
  runId: string;
  databaseUrl: string;
  prefix: string;
  /** The env the services under measurement are configured with (NATS as the operator: see `as`). */
  env: {
    NODE_ENV: 'test';
    LOG_LEVEL: 'silent';
    DATABASE_URL: string;
    NATS_URL: string;
    NATS_NKEY_SEED: string;
    NATS_SUBJECT_PREFIX: string;
    AUDIT_STREAM: string;
    REVOKED_SESSIONS_BUCKET: string;
    KEY_ENCRYPTION_SECRET: string;
  };
  /** The env for one service: signed in to NATS as that service's own user. */
  as: (user: NatsUser) => BenchEnv['env'];
}

/** The keys of make bench's NATS (bench/run.ts starts it and names the file in NATS_KEYS_FILE). */
export function benchNatsKeys(): NatsKeys {
  if (!process.env.NATS_KEYS_FILE) throw new Error('NATS_KEYS_FILE is not set: run the benchmarks with make bench (it starts their NATS)');
  return JSON.parse(readFileSync(process.env.NATS_KEYS_FILE, 'utf8')) as NatsKeys;
}

/** A connection to make bench's NATS as `user` (the operator by default). */
export function connectBenchNats(name: string, user: NatsUser = 'operator'): Promise<NatsConnection> {
  return connectNats({ url: process.env.NATS_URL!, name, user, credentials: { NATS_NKEY_SEED: benchNatsKeys()[user].seed } });
}

/** Creates and migrates the run's database (and applies policies/policy.csv unless told not to). */
export async function prepareBenchEnv(tag: string, options: { seedPolicy?: boolean } = {}): Promise<BenchEnv> {
  const runId = randomBytes(3).toString('hex');
  const dbUrl = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/portcullis');
  dbUrl.pathname = `/portcullis_bench_${runId}`;
  const databaseUrl = dbUrl.toString();
  const prefix = `bench${runId}.`;
  await migrateAll(databaseUrl);
  if (options.seedPolicy ?? true) await seedPolicy(databaseUrl, prefix);
  const keys = benchNatsKeys();
  const env: BenchEnv['env'] = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    NATS_URL: process.env.NATS_URL!,
    NATS_NKEY_SEED: keys.operator.seed,
    NATS_SUBJECT_PREFIX: prefix,
    AUDIT_STREAM: `BENCH_${tag}${runId.toUpperCase()}`,
    REVOKED_SESSIONS_BUCKET: `bench_revoked_${tag.toLowerCase()}${runId}`,
    KEY_ENCRYPTION_SECRET: 'bench-secret-that-is-long-enough-for-hkdf-0123456789',
  };
  return { runId, databaseUrl, prefix, env, as: (user) => ({ ...env, NATS_NKEY_SEED: keys[user].seed }) };
}

/**
 * For a part that measures services without identity: makes the revoked-sessions bucket and answers, as identity would,
 * that no revocation is waiting to be published (the services then trust their empty list at once).
 */
export async function standInForIdentity(env: Pick<BenchEnv['env'], 'NATS_SUBJECT_PREFIX' | 'REVOKED_SESSIONS_BUCKET'>): Promise<{ close: () => Promise<void> }> {
  const nc = await connectBenchNats('bench-identity-stand-in');
  await new Kvm(nc).create(env.REVOKED_SESSIONS_BUCKET, { ttl: 31 * 60_000, history: 1 });
  answer(nc, env.NATS_SUBJECT_PREFIX, NatsExchanges.revocationsPending, 'identity', async () => ({ pending: 0 }));
  await nc.flush();
  return { close: () => nc.close() };
}

/** Deletes the run's stream and bucket (a KV bucket is the stream KV_<bucket>); the database is dropped by the caller after its ORMs close. */
export async function removeBenchStreams(bench: Pick<BenchEnv, 'env'>): Promise<void> {
  const nc = await connectBenchNats('bench-cleanup');
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(bench.env.AUDIT_STREAM).catch(() => false);
    await jsm.streams.delete(`KV_${bench.env.REVOKED_SESSIONS_BUCKET}`).catch(() => false);
  } finally {
    await nc.close();
  }
}
