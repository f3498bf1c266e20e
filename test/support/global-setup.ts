import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { TestProject } from 'vitest/node';
import { dropDatabase } from '@portcullis/shared/db';
import { connectAs, ensureProjectNats } from '../../deploy/dev/project-nats.js';
import { migrateAll } from '../../deploy/dev/migrate-all.js';
import { seedPolicy } from '../../deploy/dev/seed-policy.js';
import type { NatsKeys } from '../../deploy/nats/keys.js';
import { TEST_NATS_AUTH } from './test-nats.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    natsUrl: string;
    /** Every NATS user's keys (the seeds too): services sign in as themselves, test tools as the operator. */
    natsKeys: NatsKeys;
    natsPrefix: string;
    auditStream: string;
    revokedSessionsBucket: string;
  }
}

/**
 * One database and one NATS stream/subject prefix per test run, made here and removed at the end, so runs never see
 * each other's leftovers on the shared Postgres. NATS is the run's own authenticated nats-server (the committed
 * authorization config, with any subject prefix and stream name admitted so suites can take their own), unless
 * NATS_URL and NATS_KEYS_FILE name one.
 */
export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString('hex');
  const base = new URL(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/portcullis_test_${runId}`;
  const databaseUrl = base.toString();
  const natsDir = mkdtempSync(join(tmpdir(), 'portcullis-test-nats-'));
  const nats = await ensureProjectNats({ storeDir: join(natsDir, 'data'), keysFile: join(natsDir, 'keys.json'), auth: TEST_NATS_AUTH, log: () => undefined });
  const natsPrefix = `t${runId}.`;
  const auditStream = `AUDIT_T${runId.toUpperCase()}`;
  const revokedSessionsBucket = `revoked_t${runId}`;

  await migrateAll(databaseUrl);
  await seedPolicy(databaseUrl, natsPrefix);
  project.provide('databaseUrl', databaseUrl);
  project.provide('natsUrl', nats.url);
  project.provide('natsKeys', nats.keys);
  project.provide('natsPrefix', natsPrefix);
  project.provide('auditStream', auditStream);
  project.provide('revokedSessionsBucket', revokedSessionsBucket);

  return async () => {
    if (nats.started) {
      await nats.stop();
    } else {
      const nc = await connectAs(nats, 'portcullis-test-teardown');
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.delete(auditStream).catch(() => false);
        // A KV bucket is the stream KV_<bucket>.
        await jsm.streams.delete(`KV_${revokedSessionsBucket}`).catch(() => false);
      } finally {
        await nc.close();
      }
    }
    rmSync(natsDir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  };
}
