import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { TestProject } from 'vitest/node';
import { dropDatabase } from '@portcullis/shared/db';
import { connectNats } from '@portcullis/shared/nats';
import { migrateAll } from '../../deploy/dev/migrate-all.js';
import { seedPolicy } from '../../deploy/dev/seed-policy.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    natsUrl: string;
    natsPrefix: string;
    auditStream: string;
    revokedSessionsBucket: string;
  }
}

/**
 * One database and one NATS stream/subject prefix per test run, made here and removed at the end, so runs never see
 * each other's leftovers on the shared Postgres and NATS.
 */
export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString('hex');
  const base = new URL(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/portcullis_test_${runId}`;
  const databaseUrl = base.toString();
  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const natsPrefix = `t${runId}.`;
  const auditStream = `AUDIT_T${runId.toUpperCase()}`;
  const revokedSessionsBucket = `revoked_t${runId}`;

  await migrateAll(databaseUrl);
  await seedPolicy(databaseUrl, natsPrefix);
  project.provide('databaseUrl', databaseUrl);
  project.provide('natsUrl', natsUrl);
  project.provide('natsPrefix', natsPrefix);
  project.provide('auditStream', auditStream);
  project.provide('revokedSessionsBucket', revokedSessionsBucket);

  return async () => {
    const nc = await connectNats({ url: natsUrl, name: 'portcullis-test-teardown' });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(auditStream).catch(() => false);
      // A KV bucket is the stream KV_<bucket>.
      await jsm.streams.delete(`KV_${revokedSessionsBucket}`).catch(() => false);
    } finally {
      await nc.close();
    }
    await dropDatabase(databaseUrl);
  };
}
