import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, startIdentity, uniqueEmail, type RunningIdentity } from '../../../../test/support/harness.js';
import { person, type Person } from '../../../../test/support/people.js';

let identity: RunningIdentity;
let root: Person;
const url = (path: string) => `${identity.url}/v1${path}`;

beforeAll(async () => {
  identity = await startIdentity();
  root = await person(identity, 'root', ['platform_admin']);
  await eventually(async () => (identity.runtime.policy.enforce(root.id, 'platform', 'users', 'read') ? true : undefined));
});
afterAll(async () => {
  await identity?.close();
});

describe('user administration', () => {
  it('is for platform admins: create (with a generated password), list, read, rename', async () => {
    const someone = await person(identity, 'someone');
    expect((await call('GET', url('/users'), someone.token)).status).toBe(403);
    const email = uniqueEmail('created');
    const created = await call('POST', url('/users'), root.token, { email, name: 'Created' });
    expect(created.status).toBe(201);
    expect(created.body.initial_password.length).toBeGreaterThanOrEqual(20);
    expect((await call('POST', url('/auth/login'), undefined, { email, password: created.body.initial_password })).status).toBe(200);
    expect((await call('POST', url('/users'), root.token, { email, name: 'Again' })).status).toBe(409);
    const found = await call('GET', url(`/users?q=${encodeURIComponent(email.slice(0, 20))}&status=active`), root.token);
    expect(found.body.items.map((u: { id: string }) => u.id)).toContain(created.body.id);
    expect((await call('GET', url(`/users?q=${encodeURIComponent(email.slice(0, 20))}&status=disabled`), root.token)).body.total).toBe(0);
    expect((await call('PATCH', url(`/users/${created.body.id}`), root.token, { name: 'Renamed' })).body.name).toBe('Renamed');
    expect((await call('GET', url(`/users/${created.body.id}`), root.token)).body).toMatchObject({ name: 'Renamed', platform_roles: [] });
  });

  it('disabling ends the sessions at once and refuses sign-in; enabling lets the user back', async () => {
    const victim = await person(identity, 'victim');
    expect((await call('PATCH', url(`/users/${victim.id}`), root.token, { status: 'disabled' })).status).toBe(200);
    expect((await call('GET', url('/me'), victim.token)).status).toBe(401);
    const [session] = await identity.runtime.orm.em.fork().execute<{ id: string }[]>('select id from identity.sessions where user_id = ?', [victim.id]);
    await eventually(async () => (identity.runtime.revokedSessions.isRevoked(session.id) ? true : undefined), 1000, 10);
    expect((await call('POST', url('/auth/login'), undefined, { email: victim.email, password: 'correct horse battery staple 42' })).status).toBe(401);
    await call('PATCH', url(`/users/${victim.id}`), root.token, { status: 'active' });
    expect((await call('POST', url('/auth/login'), undefined, { email: victim.email, password: 'correct horse battery staple 42' })).status).toBe(200);
    const types = await identity.runtime.orm.em.fork().execute<{ type: string }[]>(
      "select payload->>'type' as type from identity.outbox where payload->>'subject' = ? and payload->>'type' like 'portcullis.identity.user.%' order by created_at, id",
      [`user:${victim.id}`],
    );
    expect(types.map((t) => t.type)).toEqual(['portcullis.identity.user.created', 'portcullis.identity.user.disabled', 'portcullis.identity.user.updated']);
  });

  it('grants platform roles from the policy, and deletes users but not oneself', async () => {
    const helper = await person(identity, 'helper');
    expect((await call('PUT', url(`/users/${helper.id}/platform-roles`), root.token, { roles: ['superuser'] })).status).toBe(400);
    expect((await call('PUT', url(`/users/${helper.id}/platform-roles`), root.token, { roles: ['auditor'] })).body).toEqual({ roles: ['auditor'] });
    await eventually(async () => (identity.runtime.policy.enforce(helper.id, 'platform', 'users', 'read') ? true : undefined));
    expect((await call('GET', url(`/users/${helper.id}`), root.token)).body.platform_roles).toEqual(['auditor']);
    expect((await call('DELETE', url(`/users/${root.id}`), root.token)).status).toBe(409);
    expect((await call('DELETE', url(`/users/${helper.id}`), root.token)).status).toBe(204);
    expect((await call('GET', url(`/users/${helper.id}`), root.token)).status).toBe(404);
    await eventually(async () => (identity.runtime.policy.enforce(helper.id, 'platform', 'users', 'read') ? undefined : true));
  });
});
