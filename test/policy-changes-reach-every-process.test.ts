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
let probe: ProbeProcess;

beforeAll(async () => {
  const env = testEnv();
  orm = await createOrm({ databaseUrl: env.DATABASE_URL!, schema: 'authz', entities: authzEntities, migrations: authzMigrations, poolMax: 2 });
  nc = await connectTestNats('sync-test');
  writer = new GrantWriter(nc, env.NATS_SUBJECT_PREFIX ?? '');
  // A slow reconcile, so a fast answer can only have come over NATS.
  probe = await startProbeProcess(nc, { RECONCILE_MS: '1000' });
});
afterAll(async () => {
  await probe?.stop();
  await nc?.close();
  await orm?.close(true);
});

async function write(op: 'add' | 'remove', grant: { subject: string; role: string; domain: string }, announce = true) {
  const change = await orm.em.fork().transactional((tx) => writer[op](tx, grant));
  if (announce) writer.announce([change]);
  return change;
}

describe('a policy change made in one process', () => {
  it('is enforced by another process within 1 second, for a grant and for its revocation', async () => {
    const grant = { subject: `user-${randomUUID()}`, role: 'admin', domain: `tenant:${randomUUID()}` };
    const ask = () => probe.enforce(grant.subject, grant.domain, 'members', 'delete');
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

  it('reaches a process that missed the message, through the periodic reconcile', async () => {
    const grant = { subject: `user-${randomUUID()}`, role: 'member', domain: `tenant:${randomUUID()}` };
    const change = await write('add', grant, false);
    const answer = await eventually(async () => {
      const result = await probe.enforce(grant.subject, grant.domain, 'document', 'read');
      return result.allowed ? result : undefined;
    }, 5000, 50);
    expect(answer.version).toBeGreaterThanOrEqual(change!.version);
  });
});
