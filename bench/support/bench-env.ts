import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@portcullis/shared/nats';
import { migrateAll } from '../../deploy/dev/migrate-all.js';
import { seedPolicy } from '../../deploy/dev/seed-policy.js';

/** A benchmark's own database, NATS subject prefix, audit stream and revoked-sessions bucket: runs never meet. */
export interface BenchEnv {
  runId: string;
  databaseUrl: string;
  prefix: string;
  /** The env the services under measurement are configured with. */
  env: {
    NODE_ENV: 'test';
    LOG_LEVEL: 'silent';
    DATABASE_URL: string;
    NATS_URL: string;
    NATS_SUBJECT_PREFIX: string;
    AUDIT_STREAM: string;
    REVOKED_SESSIONS_BUCKET: string;
  };
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
  return {
    runId,
    databaseUrl,
    prefix,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: databaseUrl,
      NATS_URL: process.env.NATS_URL || 'nats://127.0.0.1:4222',
      NATS_SUBJECT_PREFIX: prefix,
      AUDIT_STREAM: `BENCH_${tag}${runId.toUpperCase()}`,
      REVOKED_SESSIONS_BUCKET: `bench_revoked_${tag.toLowerCase()}${runId}`,
    },
  };
}

/** Deletes the run's stream and bucket (a KV bucket is the stream KV_<bucket>); the database is dropped by the caller after its ORMs close. */
export async function removeBenchStreams(bench: BenchEnv, nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(bench.env.AUDIT_STREAM).catch(() => false);
  await jsm.streams.delete(`KV_${bench.env.REVOKED_SESSIONS_BUCKET}`).catch(() => false);
}
