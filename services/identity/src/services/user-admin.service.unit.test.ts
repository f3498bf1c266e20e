import { describe, expect, it } from 'vitest';
import { tokensOf } from './auth.service.js';
import { audit, from, identityUnderTest, PASSWORD, type IdentityUnderTest } from './identity-fakes.js';

const platformRolesOf = (id: IdentityUnderTest, userId: string) => id.uow.read((repos) => repos.platformRoles.of(userId));

describe('passwords and sessions (unit, in memory)', () => {
  it("changing the password ends every other session of the user, keeps the caller's, and the old password stops working", async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    const [current, other, third] = await Promise.all([1, 2, 3].map(async () => id.principalOf(await id.signIn(ada))));

    const answer = await id.profile.changePassword(ada.id, current.session_id, PASSWORD, 'a brand new long password', audit(ada.id), from());

    expect(answer).toEqual({ revoked_sessions: 2 });
    expect(await id.isActive(current.session_id)).toBe(true);
    expect(await id.isActive(other.session_id)).toBe(false);
    expect(await id.isActive(third.session_id)).toBe(false);
    expect(id.uow.eventsOf('password.changed')).toHaveLength(1);
    expect(id.uow.eventsOf('session.revoked').map((e) => e.data.reason)).toEqual(['password_changed', 'password_changed']);
    expect(id.uow.messages.map((m) => m.payload.session_id).sort()).toEqual([other.session_id, third.session_id].sort());
    await expect(id.auth.login(ada.email, PASSWORD, from())).rejects.toMatchObject({ status: 401 });
    expect(tokensOf(await id.auth.login(ada.email, 'a brand new long password', from())).access_token).toBeTruthy();
  });

  it('a wrong current password is 400, audited as login.failed, counts towards the account lock, and changes nothing', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    const [current, other] = await Promise.all([1, 2].map(async () => id.principalOf(await id.signIn(ada))));
    const change = () => id.profile.changePassword(ada.id, current.session_id, 'a wrong guess', 'a brand new long password', audit(ada.id), from());

    await expect(change()).rejects.toMatchObject({ status: 400, code: 'validation' });
    await change().catch(() => {});
    await change().catch(() => {});

    expect(id.uow.eventsOf('login.failed').map((e) => e.data.reason)).toEqual(['invalid_current_password', 'invalid_current_password', 'invalid_current_password']);
    expect(id.uow.eventsOf('login.locked')).toHaveLength(1);
    await expect(change()).rejects.toMatchObject({ status: 429 });
    expect(id.uow.eventsOf('password.changed')).toHaveLength(0);
    expect(await id.isActive(other.session_id)).toBe(true);
  });

  it("revoking all sessions but the current one sends one revocation per ended session; someone else's session is 404, like a missing one", async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    const bob = await id.user('bob');
    const [current, other] = await Promise.all([1, 2].map(async () => id.principalOf(await id.signIn(ada))));
    const bobs = await id.principalOf(await id.signIn(bob));

    await expect(id.sessions.revoke(ada.id, bobs.session_id, audit(ada.id))).rejects.toMatchObject({ status: 404 });
    expect(await id.sessions.revokeAll(ada.id, 'revoked_by_user', audit(ada.id), current.session_id)).toBe(1);
    expect(await id.sessions.revokeAll(ada.id, 'revoked_by_user', audit(ada.id), current.session_id)).toBe(0);

    expect(id.uow.messages.map((m) => m.payload)).toEqual([{ session_id: other.session_id, revoked_at: expect.any(String), reason: 'revoked_by_user' }]);
    expect((await id.sessions.list(ada.id)).map((s) => s.id)).toEqual([current.session_id]);
    expect(await id.isActive(bobs.session_id)).toBe(true);
  });
});

describe('user administration (unit, in memory)', () => {
  it('an email is taken once, whatever its case or surrounding spaces: 409 already-exists, and nothing is recorded', async () => {
    const id = await identityUnderTest();
    await id.user('ada');
    const created = id.uow.eventsOf('user.created').length;

    await expect(id.userAdmin.create({ email: '  ADA@Example.TEST ', name: 'Ada again', password: PASSWORD }, audit('admin'))).rejects.toMatchObject({ status: 409, code: 'already-exists' });

    expect(id.uow.eventsOf('user.created')).toHaveLength(created);
    expect((await id.userAdmin.list({ page: 1, pageSize: 10 })).total).toBe(1);
  });

  it('a user created with platform roles holds them from the same unit of work, announced once; without a password one is generated', async () => {
    const id = await identityUnderTest();
    const announced = id.uow.policy.announced.length;

    const { user, initial_password } = await id.userAdmin.create({ email: 'ops@example.test', name: 'Ops' }, audit('admin'));
    const root = await id.user('root', ['platform_admin', 'auditor']);

    expect(initial_password).toMatch(/^[\w-]{24}$/);
    expect(tokensOf(await id.auth.login(user.email, initial_password!, from())).access_token).toBeTruthy();
    expect((await id.userAdmin.get(root.id)).platform_roles.sort()).toEqual(['auditor', 'platform_admin']);
    expect(id.uow.policy.announced.length - announced).toBe(1);
    expect(id.uow.eventsOf('user.created').at(-1)?.data.changes).toMatchObject({ after: { platform_roles: ['platform_admin', 'auditor'] } });
  });

  it('the last platform admin can be neither demoted nor deleted (409 last-admin), nobody deletes themselves, and unknown roles are 400', async () => {
    const id = await identityUnderTest();
    const root = await id.user('root', ['platform_admin']);
    const ops = await id.user('ops', ['auditor']);

    await expect(id.userAdmin.setPlatformRoles(root.id, ['auditor'], audit(ops.id))).rejects.toMatchObject({ status: 409, code: 'last-admin' });
    await expect(id.userAdmin.delete(root.id, audit(ops.id))).rejects.toMatchObject({ status: 409, code: 'last-admin' });
    await expect(id.userAdmin.delete(ops.id, audit(ops.id))).rejects.toMatchObject({ status: 409 });
    await expect(id.userAdmin.setPlatformRoles(ops.id, ['overlord'], audit(root.id))).rejects.toMatchObject({ status: 400 });

    expect(await platformRolesOf(id, root.id)).toEqual(['platform_admin']);
    expect(id.uow.eventsOf('user.updated')).toHaveLength(0);
    expect(id.uow.eventsOf('user.deleted')).toHaveLength(0);
  });

  it('two platform admins demoting each other at the same moment: one wins and the platform keeps an admin', async () => {
    const id = await identityUnderTest();
    const [ada, bob] = await Promise.all([id.user('ada', ['platform_admin']), id.user('bob', ['platform_admin'])]);

    const outcomes = await Promise.allSettled([id.userAdmin.setPlatformRoles(bob.id, [], audit(ada.id)), id.userAdmin.setPlatformRoles(ada.id, [], audit(bob.id))]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'last-admin' } });
    expect(await id.uow.read((repos) => repos.platformRoles.holders('platform_admin'))).toHaveLength(1);
  });

  it('deleting a user ends their sessions, removes their platform grants and rows, and audits user.deleted', async () => {
    const id = await identityUnderTest();
    const root = await id.user('root', ['platform_admin']);
    const ops = await id.user('ops', ['auditor']);
    const session = await id.principalOf(await id.signIn(ops));

    await id.userAdmin.delete(ops.id, audit(root.id));

    expect(await id.users.findById(ops.id)).toBeNull();
    expect(await platformRolesOf(id, ops.id)).toEqual([]);
    expect(await id.isActive(session.session_id)).toBe(false);
    expect(id.revocationsOf(session.session_id).map((m) => m.payload.reason)).toEqual(['user_deleted']);
    expect(id.uow.eventsOf('user.deleted')[0].data.changes).toEqual({ before: { email: ops.email, platform_roles: ['auditor'] }, after: null });
    await expect(id.userAdmin.get(ops.id)).rejects.toMatchObject({ status: 404 });
  });
});
