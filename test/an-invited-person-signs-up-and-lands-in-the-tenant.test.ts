import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, eventually, startIdentity, startTenancy, uniqueEmail, type RunningIdentity, type RunningTenancy } from './support/harness.js';
import { person } from './support/people.js';

let identity: RunningIdentity;
let tenancy: RunningTenancy;

beforeAll(async () => {
  identity = await startIdentity();
  tenancy = await startTenancy(identity, { MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'portcullis-mail-')) });
});

afterAll(async () => {
  await tenancy?.close();
  await identity?.close();
});

it('signs up with the invitation token, gets the invited email and roles, and reads the tenant with the new token', async () => {
  const root = await person(identity, 'root', ['platform_admin']);
  await eventually(async () => (tenancy.runtime.policy.enforce(root.id, 'platform', 'tenant', 'create') ? true : undefined));
  const slug = `signup-${Date.now().toString(36)}`;
  const tenant = (await call('POST', `${tenancy.url}/v1/tenants`, root.token, { name: `Signup ${slug}`, slug })).body;
  const email = uniqueEmail('newcomer');
  const invitation = await call('POST', `${tenancy.url}/v1/tenants/${tenant.id}/invitations`, root.token, { email, roles: ['member'] });
  expect(invitation.status).toBe(201);

  const register = (token: string, password = 'a long enough password') =>
    call('POST', `${identity.url}/v1/auth/register`, undefined, { invitation_token: token, name: 'New Comer', password });
  expect((await register(invitation.body.token, 'short')).status).toBe(400);
  expect((await register('y'.repeat(43))).status).toBe(404);

  const signedUp = await register(invitation.body.token);
  expect(signedUp.status).toBe(201);
  expect(signedUp.body).toMatchObject({ token_type: 'Bearer', tenant_id: tenant.id, roles: ['member'] });
  const me = await call('GET', `${identity.url}/v1/me`, signedUp.body.access_token);
  expect(me.body.email).toBe(email);
  await eventually(async () => ((await call('GET', `${tenancy.url}/v1/tenants/${tenant.id}`, signedUp.body.access_token)).status === 200 ? true : undefined), 2000, 20);

  // The token is used up; signing up again with it is 410.
  expect((await register(invitation.body.token)).status).toBe(410);
});
