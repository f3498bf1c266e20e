import { afterEach, describe, expect, it, vi } from 'vitest';
import { from, identityUnderTest, PASSWORD, REVOCATION_BUCKET } from './identity-fakes.js';
import { revocationSubject } from '@portcullis/shared/auth';

afterEach(() => {
  vi.useRealTimers();
});

describe('refresh tokens (unit, in memory)', () => {
  it('a refresh token is exchanged for a new pair of the same session, and each new refresh token is the next link', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    const first = await id.signIn(ada);
    const sessionId = (await id.principalOf(first)).session_id;

    const second = await id.auth.refresh(first.refresh_token, from());
    const third = await id.auth.refresh(second.refresh_token, from());

    expect(new Set([first.refresh_token, second.refresh_token, third.refresh_token]).size).toBe(3);
    expect((await id.principalOf(second)).session_id).toBe(sessionId);
    expect((await id.principalOf(third)).session_id).toBe(sessionId);
    expect(await id.isActive(sessionId)).toBe(true);
    expect(id.uow.eventsOf('refresh.reused')).toHaveLength(0);
    expect(id.uow.messages).toHaveLength(0);
  });

  it('presenting a rotated refresh token again revokes the whole session, audits refresh.reused and session.revoked, and sends the revocation', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    const first = await id.signIn(ada);
    const sessionId = (await id.principalOf(first)).session_id;
    const second = await id.auth.refresh(first.refresh_token, from());

    await expect(id.auth.refresh(first.refresh_token, from('203.0.113.9'))).rejects.toMatchObject({ status: 401, code: 'refresh-reused' });

    expect(await id.isActive(sessionId)).toBe(false);
    // The thief's replay also ends the legitimate holder's newer link.
    await expect(id.auth.refresh(second.refresh_token, from())).rejects.toMatchObject({ status: 401, code: 'invalid-credentials' });
    expect(id.uow.eventsOf('refresh.reused')).toEqual([
      expect.objectContaining({
        subject: `user:${ada.id}`,
        data: expect.objectContaining({ outcome: 'denied', actor: { user_id: ada.id, ip: '203.0.113.9' }, target: { user_id: ada.id, session_id: sessionId } }),
      }),
    ]);
    expect(id.uow.eventsOf('session.revoked').map((e) => [e.data.target, e.data.reason])).toEqual([[{ user_id: ada.id, session_id: sessionId }, 'refresh_reused']]);
    expect(id.uow.messages).toEqual([
      { subject: revocationSubject(REVOCATION_BUCKET, sessionId), payload: { session_id: sessionId, revoked_at: expect.any(String), reason: 'refresh_reused' } },
    ]);
  });

  it('a rotated token replayed after its session has already ended is refused as reuse but records no second revocation', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    const first = await id.signIn(ada);
    const sessionId = (await id.principalOf(first)).session_id;
    await id.auth.refresh(first.refresh_token, from());
    await id.auth.refresh(first.refresh_token, from()).catch(() => {});

    await expect(id.auth.refresh(first.refresh_token, from())).rejects.toMatchObject({ status: 401, code: 'refresh-reused' });

    expect(id.uow.eventsOf('refresh.reused')).toHaveLength(1);
    expect(id.revocationsOf(sessionId)).toHaveLength(1);
  });

  it('two refreshes with the same token at the same moment: exactly one gets the new pair, the other counts as reuse and ends the session', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    const first = await id.signIn(ada);
    const sessionId = (await id.principalOf(first)).session_id;

    const outcomes = await Promise.allSettled([id.auth.refresh(first.refresh_token, from()), id.auth.refresh(first.refresh_token, from())]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { status: 401, code: 'refresh-reused' } });
    expect(id.uow.eventsOf('refresh.reused')).toHaveLength(1);
    expect(id.revocationsOf(sessionId)).toHaveLength(1);
    expect(await id.isActive(sessionId)).toBe(false);
  });

  it('an unknown refresh token and one past the session lifetime are both 401 invalid-credentials, and neither revokes anything', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const id = await identityUnderTest({ refreshTokenTtlMs: 60 * 60_000 });
    const ada = await id.user('ada');
    const pair = await id.signIn(ada);

    await expect(id.auth.refresh('not-a-token', from())).rejects.toMatchObject({ status: 401, code: 'invalid-credentials' });
    vi.setSystemTime(Date.now() + 60 * 60_000 + 1);
    await expect(id.auth.refresh(pair.refresh_token, from())).rejects.toMatchObject({ status: 401, code: 'invalid-credentials' });

    expect(id.uow.eventsOf('session.revoked')).toHaveLength(0);
    expect(id.uow.messages).toHaveLength(0);
  });
});

describe('signing in and out (unit, in memory)', () => {
  it('signing out ends the session everywhere: the revocation is sent, the relay woken, and the refresh token stops working', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    const pair = await id.signIn(ada);
    const principal = await id.principalOf(pair);
    const wakes = id.uow.relayWakes;

    await id.auth.logout(principal, from('198.51.100.1'));

    expect(await id.auth.isSessionRevoked(principal)).toBe(true);
    expect(id.uow.eventsOf('session.revoked').map((e) => e.data.reason)).toEqual(['logout']);
    expect(id.revocationsOf(principal.session_id)).toHaveLength(1);
    expect(id.uow.relayWakes).toBe(wakes + 1);
    await expect(id.auth.refresh(pair.refresh_token, from())).rejects.toMatchObject({ status: 401, code: 'invalid-credentials' });
  });

  it('a wrong password and an unknown email get the same 401 and are both audited as login.failed with their reason', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');

    const wrong = await id.auth.login(ada.email, 'not the password', from()).catch((e: unknown) => e);
    const unknown = await id.auth.login('nobody@example.test', PASSWORD, from()).catch((e: unknown) => e);

    expect(wrong).toMatchObject({ status: 401, code: 'invalid-credentials' });
    expect(unknown).toMatchObject({ status: 401, code: 'invalid-credentials', message: (wrong as Error).message });
    expect(id.uow.eventsOf('login.failed').map((e) => [e.subject, e.data.reason])).toEqual([
      [`user:${ada.id}`, 'invalid_password'],
      ['user:unknown', 'unknown_email'],
    ]);
  });

  it('a disabled user cannot sign in, and disabling ended every session they had', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    const sessions = await Promise.all([id.signIn(ada), id.signIn(ada)].map(async (p) => (await id.principalOf(await p)).session_id));

    await id.userAdmin.update(ada.id, { status: 'disabled' }, { actor: { user_id: 'admin' }, request_id: 'req-1' });

    await expect(id.auth.login(ada.email, PASSWORD, from())).rejects.toMatchObject({ status: 401, code: 'invalid-credentials' });
    expect(id.uow.eventsOf('login.failed').at(-1)?.data.reason).toBe('user_disabled');
    for (const sessionId of sessions) expect(await id.isActive(sessionId)).toBe(false);
    expect(id.uow.eventsOf('session.revoked').map((e) => e.data.reason)).toEqual(['user_disabled', 'user_disabled']);
    expect(id.uow.eventsOf('user.disabled')).toHaveLength(1);
  });
});
