import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { dropDatabase } from '@portcullis/shared/db';
import { migrateAll } from '../../../../deploy/dev/migrate-all.js';
import { seedPolicy } from '../../../../deploy/dev/seed-policy.js';
import { call, eventually, startIdentity, type RunningIdentity } from '../../../../test/support/harness.js';
import { person, type Person } from '../../../../test/support/people.js';
import { connectTestNats } from '../../../../test/support/test-nats.js';

// A database of its own: "the last platform admin" needs a platform with exactly the admins this test makes.
let databaseUrl: string;
let identity: RunningIdentity;
let first: Person;
let stream: string;

beforeAll(async () => {
  const url = new URL(inject('databaseUrl'));
  url.pathname = `${url.pathname}_lpa_${randomBytes(3).toString('hex')}`;
  databaseUrl = url.toString();
  const suffix = randomBytes(3).toString('hex');
  const prefix = `lpa${suffix}.`;
  stream = `AUDIT_LPA_${suffix.toUpperCase()}`;
  await migrateAll(databaseUrl);
  await seedPolicy(databaseUrl, prefix);
  identity = await startIdentity({ DATABASE_URL: databaseUrl, NATS_SUBJECT_PREFIX: prefix, AUDIT_STREAM: stream });
  first = await person(identity, 'only-admin', ['platform_admin']);
  await eventually(async () => (identity.runtime.policy.enforce(first.id, 'platform', 'users', 'update') ? true : undefined));
}, 60_000);

afterAll(async () => {
  const nc = await connectTestNats('lpa-cleanup');
  await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
  await nc.close();
  await identity?.close();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

it('keeps the last platform admin: neither demoted nor deleted until another admin exists', async () => {
  const url = (path: string) => `${identity.url}/v1${path}`;
  expect((await call('PUT', url(`/users/${first.id}/platform-roles`), first.token, { roles: ['auditor'] })).status).toBe(409);
  const second = await person(identity, 'second-admin');
  expect((await call('PUT', url(`/users/${second.id}/platform-roles`), first.token, { roles: ['platform_admin'] })).status).toBe(200);
  await eventually(async () => (identity.runtime.policy.enforce(second.id, 'platform', 'users', 'update') ? true : undefined));
  expect((await call('PUT', url(`/users/${first.id}/platform-roles`), second.token, { roles: [] })).status).toBe(200);
  await eventually(async () => (identity.runtime.policy.enforce(first.id, 'platform', 'users', 'update') ? undefined : true));
  expect((await call('PUT', url(`/users/${second.id}/platform-roles`), second.token, { roles: ['auditor'] })).status).toBe(409);
});
