import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { GrantWriter } from '@portcullis/shared/authz';
import { createOrm } from '@portcullis/shared/db';
import type { NatsConnection } from '@portcullis/shared/nats';
import { connectTestNats } from './support/test-nats.js';
import { authzEntities } from '../services/authz/src/entities/index.js';
import { authzMigrations } from '../services/authz/src/migrations/index.js';
import { eventually, testEnv } from './support/harness.js';
import { startProbeProcess, type ProbeProcess } from './support/probe-process.js';

let orm: MikroORM;
let nc: NatsConnection;
let writer: GrantWriter;
/** Reconciles with Postgres only every 10 minutes: whatever it learns within the test came over NATS. */
let pushOnly: ProbeProcess;
/** Reconciles every half second: it learns even what was never announced. */
let reconciling: ProbeProcess;

beforeAll(async () => {
  const env = testEnv();
  orm = await createOrm({ databaseUrl: env.DATABASE_URL!, schema: 'authz', entities: authzEntities, migrations: authzMigrations, poolMax: 2 });
  nc = await connectTestNats('sync-test');
  writer = new GrantWriter(nc, env.NATS_SUBJECT_PREFIX ?? '');
  [pushOnly, reconciling] = await Promise.all([startProbeProcess(nc, { RECONCILE_MS: '600000' }), startProbeProcess(nc, { RECONCILE_MS: '500' })]);
});
afterAll(async () => {
  await Promise.all([pushOnly?.stop(), reconciling?.stop()]);
  await nc?.close();
  await orm?.close(true);
});

async function write(op: 'add' | 'remove', grant: { subject: string; role: string; domain: string }, announce = true) {
  const change = await orm.em.fork().transactional((tx) => writer[op](tx, grant));
  if (announce) writer.announce([change]);
  return change;
}

describe('a policy change made in one process', () => {
  it('is enforced by another process within 1 second, for a grant and for its revocation, by the NATS announcement alone', async () => {
    const grant = { subject: `user-${randomUUID()}`, role: 'admin', domain: `tenant:${randomUUID()}` };
    // This process reconciles every 10 minutes: only the announcement can bring the change within the second.
    const ask = () => pushOnly.enforce(grant.subject, grant.domain, 'members', 'delete');
    expect((await ask()).allowed).toBe(false);

    let started = Date.now();
    await write('add', grant);
    await eventually(async () => ((await ask()).allowed ? true : undefined), 1000, 5);
    const grantMs = Date.now() - started;

    started = Date.now();
    await write('remove', grant);
    await eventually(async () => (!(await ask()).allowed ? true : undefined), 1000, 5);
    const revokeMs = Date.now() - started;
    expect(grantMs).toBeLessThan(1000);
    expect(revokeMs).toBeLessThan(1000);
  });

  it('reaches a process that missed the message, through the periodic reconcile, and no process without one', async () => {
    const grant = { subject: `user-${randomUUID()}`, role: 'member', domain: `tenant:${randomUUID()}` };
    const change = await write('add', grant, false);
    const answer = await eventually(async () => {
      const result = await reconciling.enforce(grant.subject, grant.domain, 'document', 'read');
      return result.allowed ? result : undefined;
    }, 5000, 50);
    expect(answer.version).toBeGreaterThanOrEqual(change!.version);
    // Unannounced, the change stays unknown to the process that relies on the announcement (so the first test's
    // second-fast answers were the announcement's doing).
    for (let i = 0; i < 10; i++) {
      expect((await pushOnly.enforce(grant.subject, grant.domain, 'document', 'read')).allowed).toBe(false);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
