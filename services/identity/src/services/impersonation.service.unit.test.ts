import { afterEach, describe, expect, it, vi } from 'vitest';
import { audit, from, identityUnderTest, type IdentityUnderTest, type TestUser } from './identity-fakes.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A platform admin signed in with TOTP (and, before TOTP was on, with the password only), and an ordinary user to act as. */
async function adminAndTarget(id: IdentityUnderTest, admin = 'root', target = 'ada') {
  const root = await id.user(admin, ['platform_admin']);
  const ada = await id.user(target);
  const passwordOnly = await id.principalOf(await id.signIn(root));
  const { principal } = await id.signInWithTotp(root);
  return { root, ada, principal, passwordOnly };
}

const reasonsOf = (id: IdentityUnderTest, action: string) => id.uow.eventsOf(action).map((e) => e.data.reason);

describe('impersonation (unit, in memory)', () => {
  it('a platform admin with a recent second factor acts as an active user: a session of its own, an act claim, impersonation.started', async () => {
    const id = await identityUnderTest();
    const { root, ada, principal } = await adminAndTarget(id);

    const started = await id.impersonation.start(principal, { target_user_id: ada.id, reason: 'ticket 42', duration_minutes: 10 }, audit(root.id), {});

    expect(await id.principalOf(started)).toMatchObject({ user_id: ada.id, session_id: started.session_id, impersonator_id: root.id, amr: ['pwd', 'otp'] });
    expect(await id.isActive(started.session_id)).toBe(true);
    expect(started.target_user).toEqual({ id: ada.id, email: ada.email, name: 'ada' });
    expect(id.uow.eventsOf('impersonation.started')).toEqual([
      expect.objectContaining({
        subject: `user:${ada.id}`,
        data: expect.objectContaining({ reason: 'ticket 42', target: { user_id: ada.id, email: ada.email, impersonation_session_id: started.session_id, expires_at: started.expires_at } }),
      }),
    ]);
    expect(await id.impersonation.list({ active: true })).toEqual([
      expect.objectContaining({ id: started.session_id, impersonatorId: root.id, impersonatorEmail: root.email, targetEmail: ada.email, impersonatorSessionId: principal.session_id }),
    ]);
  });

  it('the impersonation is capped at the configured maximum whatever duration is asked for', async () => {
    const id = await identityUnderTest();
    const { root, ada, principal } = await adminAndTarget(id);

    const started = await id.impersonation.start(principal, { target_user_id: ada.id, reason: 'long', duration_minutes: 600 }, audit(root.id), {});

    const minutes = (Date.parse(started.expires_at) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30);
  });

  it('refused, and nothing recorded: with an impersonation token, without a second factor, for oneself, for a platform admin, a disabled or an unknown user', async () => {
    const id = await identityUnderTest();
    const { root, ada, principal, passwordOnly } = await adminAndTarget(id);
    const other = await id.user('other-admin', ['platform_admin']);
    const bob = await id.user('bob');
    await id.userAdmin.update(bob.id, { status: 'disabled' }, audit(root.id));
    const start = (p: typeof principal, target: TestUser | string) =>
      id.impersonation.start(p, { target_user_id: typeof target === 'string' ? target : target.id, reason: 'checking' }, audit(root.id), {});
    const asAda = await id.principalOf(await start(principal, ada));
    const startedBefore = id.uow.eventsOf('impersonation.started').length;

    await expect(start(asAda, bob)).rejects.toMatchObject({ status: 403, code: 'impersonation-forbidden' });
    await expect(start(passwordOnly, ada)).rejects.toMatchObject({ status: 403, code: 'step-up-required' });
    await expect(start(principal, root)).rejects.toMatchObject({ status: 400, code: 'validation' });
    await expect(start(principal, other)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(start(principal, bob)).rejects.toMatchObject({ status: 409 });
    await expect(start(principal, '0190a000-0000-7000-8000-000000000000')).rejects.toMatchObject({ status: 404 });

    expect(id.uow.eventsOf('impersonation.started')).toHaveLength(startedBefore);
    expect(reasonsOf(id, 'impersonation.ended')).toEqual([]);
    expect(await id.impersonation.list({ active: true })).toEqual([expect.objectContaining({ targetId: ada.id })]);
  });

  it('a second factor older than 15 minutes is no longer enough (403 step-up-required)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const id = await identityUnderTest();
    const { root, ada, principal } = await adminAndTarget(id);

    vi.setSystemTime(Date.now() + 15 * 60_000 + 2_000);

    await expect(id.impersonation.start(principal, { target_user_id: ada.id, reason: 'late' }, audit(root.id), {})).rejects.toMatchObject({ status: 403, code: 'step-up-required' });
  });

  it('starting another impersonation ends the open one (reason replaced, its session revoked): one stays open', async () => {
    const id = await identityUnderTest();
    const { root, ada, principal } = await adminAndTarget(id);
    const bob = await id.user('bob');

    const first = await id.impersonation.start(principal, { target_user_id: ada.id, reason: 'one' }, audit(root.id), {});
    const second = await id.impersonation.start(principal, { target_user_id: bob.id, reason: 'two' }, audit(root.id), {});

    expect(await id.isActive(first.session_id)).toBe(false);
    expect(await id.isActive(second.session_id)).toBe(true);
    expect(reasonsOf(id, 'impersonation.ended')).toEqual(['replaced']);
    expect(id.revocationsOf(first.session_id)).toEqual([expect.objectContaining({ payload: expect.objectContaining({ reason: 'impersonation_replaced' }) })]);
    expect((await id.impersonation.list({ active: true })).map((s) => s.id)).toEqual([second.session_id]);
  });

  it('an admin starting several impersonations at the same moment gets each answered, and exactly one stays open', async () => {
    const id = await identityUnderTest();
    const { root, principal } = await adminAndTarget(id);
    const targets = await Promise.all([1, 2, 3, 4].map((n) => id.user(`target-${n}`)));

    const outcomes = await Promise.allSettled(targets.map((t) => id.impersonation.start(principal, { target_user_id: t.id, reason: 'race' }, audit(root.id), {})));

    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    expect(await id.impersonation.list({ active: true })).toHaveLength(1);
    expect(reasonsOf(id, 'impersonation.ended')).toEqual(['replaced', 'replaced', 'replaced']);
  });

  it("signing out of the admin's own session ends the impersonation it started, and revokes the impersonation's session everywhere", async () => {
    const id = await identityUnderTest();
    const { root, ada, principal } = await adminAndTarget(id);
    const started = await id.impersonation.start(principal, { target_user_id: ada.id, reason: 'support' }, audit(root.id), {});

    await id.auth.logout(principal, from());

    expect(await id.isActive(principal.session_id)).toBe(false);
    expect(await id.isActive(started.session_id)).toBe(false);
    expect(reasonsOf(id, 'impersonation.ended')).toEqual(['impersonator_logout']);
    expect(id.uow.eventsOf('impersonation.ended')[0].data.target).toEqual({ user_id: ada.id, impersonator_id: root.id, impersonation_session_id: started.session_id });
    expect(id.revocationsOf(started.session_id).map((m) => m.payload.reason)).toEqual(['impersonation_impersonator_logout']);
    expect(id.revocationsOf(principal.session_id).map((m) => m.payload.reason)).toEqual(['logout']);
    expect(await id.impersonation.list({ active: true })).toEqual([]);
  });

  it("revoking all of the admin's sessions, or changing their password from another session, ends the impersonation too", async () => {
    const id = await identityUnderTest();
    const { root, ada, principal, passwordOnly: other } = await adminAndTarget(id);
    const bob = await id.user('bob');

    const first = await id.impersonation.start(principal, { target_user_id: ada.id, reason: 'one' }, audit(root.id), {});
    await id.sessions.revokeAll(root.id, 'revoked_by_user', audit(root.id), other.session_id);
    expect(await id.isActive(first.session_id)).toBe(false);

    const { principal: again } = await id.signInWithTotp(root);
    const second = await id.impersonation.start(again, { target_user_id: bob.id, reason: 'two' }, audit(root.id), {});
    await id.profile.changePassword(root.id, other.session_id, 'correct horse battery staple 42', 'a brand new long password', audit(root.id), from());

    expect(await id.isActive(second.session_id)).toBe(false);
    expect(await id.isActive(other.session_id)).toBe(true);
    expect(reasonsOf(id, 'impersonation.ended')).toEqual(['impersonator_revoked_by_user', 'impersonator_password_changed']);
  });

  it("signing out with the impersonation token ends the impersonation (signed_out) and leaves the admin's own session", async () => {
    const id = await identityUnderTest();
    const { root, ada, principal } = await adminAndTarget(id);
    const started = await id.impersonation.start(principal, { target_user_id: ada.id, reason: 'support' }, audit(root.id), {});
    const asAda = await id.principalOf(started);

    await id.auth.logout(asAda, from());

    expect(await id.isActive(started.session_id)).toBe(false);
    expect(await id.isActive(principal.session_id)).toBe(true);
    expect(id.uow.eventsOf('impersonation.ended').map((e) => [e.data.reason, e.data.actor])).toEqual([['signed_out', { user_id: ada.id, impersonator_id: root.id }]]);
  });

  it('ending it by either token works once; then there is no open impersonation (404)', async () => {
    const id = await identityUnderTest();
    const { root, ada, principal } = await adminAndTarget(id);
    await id.impersonation.start(principal, { target_user_id: ada.id, reason: 'support' }, audit(root.id), {});

    const ended = await id.impersonation.end(principal, audit(root.id));

    expect(ended.duration_seconds).toBeGreaterThanOrEqual(0);
    expect(await id.isActive(ended.session_id)).toBe(false);
    await expect(id.impersonation.end(principal, audit(root.id))).rejects.toMatchObject({ status: 404 });
    expect(reasonsOf(id, 'impersonation.ended')).toEqual(['ended']);
  });

  it('losing platform_admin ends the open impersonation at once', async () => {
    const id = await identityUnderTest();
    const { root, ada, principal } = await adminAndTarget(id);
    const other = await id.user('other-admin', ['platform_admin']);
    const started = await id.impersonation.start(principal, { target_user_id: ada.id, reason: 'support' }, audit(root.id), {});

    await id.userAdmin.setPlatformRoles(root.id, [], audit(other.id));

    expect(await id.isActive(started.session_id)).toBe(false);
    expect(reasonsOf(id, 'impersonation.ended')).toEqual(['impersonator_lost_platform_admin']);
  });

  it('the expiry sweep records each expired impersonation as ended once, at its expiry, by nobody; active ones stay', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const id = await identityUnderTest();
    const { root, ada, principal } = await adminAndTarget(id);
    const { principal: otherAdmin } = await adminAndTarget(id, 'root-2', 'bob');
    const short = await id.impersonation.start(principal, { target_user_id: ada.id, reason: 'short', duration_minutes: 5 }, audit(root.id), {});
    const long = await id.impersonation.start(otherAdmin, { target_user_id: ada.id, reason: 'long', duration_minutes: 20 }, audit(otherAdmin.user_id), {});

    vi.setSystemTime(Date.now() + 6 * 60_000);
    expect(await id.impersonation.endExpired()).toBe(1);
    expect(await id.impersonation.endExpired()).toBe(0);

    const [ended] = id.uow.eventsOf('impersonation.ended');
    expect(ended.data).toMatchObject({ actor: { user_id: null }, reason: 'expired', target: { impersonation_session_id: short.session_id }, changes: { after: { active: false, duration_seconds: 300 } } });
    expect(id.uow.eventsOf('impersonation.ended')).toHaveLength(1);
    expect(await id.impersonation.get(short.session_id)).toMatchObject({ endReason: 'expired', endedAt: new Date(short.expires_at) });
    expect((await id.impersonation.list({ active: true })).map((s) => s.id)).toEqual([long.session_id]);
  });

  it('two sweeps at the same moment share the expired impersonations: each is ended and audited exactly once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const id = await identityUnderTest();
    const started: string[] = [];
    for (const n of [1, 2, 3]) {
      const { root, principal } = await adminAndTarget(id, `root-${n}`, `target-${n}`);
      const target = (await id.users.findByEmail(`target-${n}@example.test`))!;
      started.push((await id.impersonation.start(principal, { target_user_id: target.id, reason: 'sweep', duration_minutes: 1 }, audit(root.id), {})).session_id);
    }

    vi.setSystemTime(Date.now() + 2 * 60_000);
    const counts = await Promise.all([id.impersonation.endExpired(), id.impersonation.endExpired()]);

    expect(counts[0] + counts[1]).toBe(3);
    expect(id.uow.eventsOf('impersonation.ended').map((e) => e.data.target.impersonation_session_id).sort()).toEqual([...started].sort());
  });
});
