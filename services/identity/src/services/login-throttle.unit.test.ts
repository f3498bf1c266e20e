import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { from, identityUnderTest, PASSWORD, type IdentityUnderTest, type TestUser } from './identity-fakes.js';

// Settings under test (identity-fakes): 3 failures per account, 5 per source, a 1 s first lock doubling up to 8 s, a
// 15 minute window. Only Date is faked: the clock moves when a test says so.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const later = (ms: number) => vi.setSystemTime(Date.now() + ms);
const failOnce = (id: IdentityUnderTest, who: TestUser | string, client = from()) =>
  expect(id.auth.login(typeof who === 'string' ? who : who.email, 'not the password', client)).rejects.toMatchObject({ status: 401, code: 'invalid-credentials' });
/** How long each recorded lock was, in ms from when it was taken (the clock stands still in between). */
const lockLengths = (id: IdentityUnderTest, taken: number[]) => id.uow.eventsOf('login.locked').map((e, i) => Date.parse(e.data.target.locked_until as string) - taken[i]);

describe('sign-in lockout (unit, in memory)', () => {
  it('the third failure locks the account: even the right password then gets 429 with a retry-after, and login.locked is audited', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');

    for (let i = 0; i < 3; i++) await failOnce(id, ada);
    const refused = await id.auth.login(ada.email, PASSWORD, from()).catch((e: unknown) => e);

    expect(refused).toMatchObject({ status: 429, code: 'rate-limited', headers: { 'retry-after': '1' } });
    expect(id.uow.eventsOf('login.failed')).toHaveLength(3);
    expect(id.uow.eventsOf('login.locked')).toEqual([
      expect.objectContaining({
        subject: `user:${ada.id}`,
        data: expect.objectContaining({
          outcome: 'denied',
          reason: '3 failed attempts',
          target: { key: 'account', email: ada.email, failures: 3, locked_until: new Date(Date.now() + 1_000).toISOString() },
        }),
      }),
    ]);

    later(1_001);
    expect((await id.signIn(ada)).access_token).toBeTruthy();
  });

  it('each further failure after a lock ends doubles the lock, up to the maximum', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    const taken: number[] = [];

    for (let i = 0; i < 3; i++) await failOnce(id, ada);
    taken.push(Date.now());
    for (let i = 0; i < 4; i++) {
      later(lockLengths(id, taken).at(-1)! + 1);
      await failOnce(id, ada);
      taken.push(Date.now());
    }

    expect(lockLengths(id, taken)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(id.uow.eventsOf('login.locked').map((e) => e.data.target.failures)).toEqual([3, 4, 5, 6, 7]);
  });

  it('a counter idle for the whole window starts again', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');

    await failOnce(id, ada);
    await failOnce(id, ada);
    later(15 * 60_000 + 1);
    await failOnce(id, ada);
    await failOnce(id, ada);

    expect(id.uow.eventsOf('login.locked')).toHaveLength(0);
    expect((await id.signIn(ada)).access_token).toBeTruthy();
  });

  it('one address failing on many accounts locks that address for every account, and only that address', async () => {
    const id = await identityUnderTest();
    const sprayer = from('198.51.100.7');
    for (let i = 0; i < 5; i++) await failOnce(id, await id.user(`victim-${i}`), sprayer);
    const bystander = await id.user('bystander');

    await expect(id.auth.login(bystander.email, PASSWORD, sprayer)).rejects.toMatchObject({ status: 429 });
    expect((await id.signIn(bystander, from('198.51.100.8'))).access_token).toBeTruthy();
    expect(id.uow.eventsOf('login.locked').map((e) => e.data.target)).toEqual([
      { key: 'source', ip: '198.51.100.7', failures: 5, locked_until: new Date(Date.now() + 1_000).toISOString() },
    ]);
  });

  it('failures on unknown emails count too, for the email and the address', async () => {
    const id = await identityUnderTest();
    for (let i = 0; i < 3; i++) await failOnce(id, 'nobody@example.test', from('198.51.100.9'));

    expect(id.uow.eventsOf('login.locked').map((e) => [e.subject, e.data.target.key])).toEqual([['account:locked', 'account']]);
    await expect(id.auth.login('nobody@example.test', PASSWORD, from())).rejects.toMatchObject({ status: 429 });
  });

  it('a successful sign-in forgets the failures and records login.unlocked for each key that had been locked', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    const client = from('203.0.113.5');
    for (let i = 0; i < 3; i++) await failOnce(id, ada, client);
    later(1_001);

    await id.signIn(ada, client);

    // The account had been locked; the address (3 of 5) had not.
    expect(id.uow.eventsOf('login.unlocked').map((e) => [e.subject, e.data.target])).toEqual([[`user:${ada.id}`, { key: 'account', user_id: ada.id }]]);
    await failOnce(id, ada, client);
    await failOnce(id, ada, client);
    expect(id.uow.eventsOf('login.locked')).toHaveLength(1);
    expect((await id.signIn(ada, client)).access_token).toBeTruthy();
  });

  it('six wrong passwords at the same moment are each counted, and the lock left is the one of the sixth', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');

    await Promise.all(Array.from({ length: 6 }, () => failOnce(id, ada)));

    expect(id.uow.eventsOf('login.failed')).toHaveLength(6);
    expect(id.uow.eventsOf('login.locked').map((e) => e.data.target.failures)).toEqual([3, 4, 5, 6]);
    await expect(id.auth.login(ada.email, PASSWORD, from())).rejects.toMatchObject({ status: 429, headers: { 'retry-after': '8' } });
  });

  it('the MFA step locks after repeated wrong codes, even for a right code after', async () => {
    const id = await identityUnderTest();
    const ada = await id.user('ada');
    await id.signInWithTotp(ada);
    const challenge = await id.auth.login(ada.email, PASSWORD, from());
    if (!('mfa_required' in challenge)) throw new Error('expected an MFA challenge');

    for (let i = 0; i < 3; i++) await expect(id.auth.completeMfa(challenge.mfa_token, 'AAAA-AAAA-AAAA-AAAA', from())).rejects.toMatchObject({ status: 401, code: 'invalid-credentials' });

    await expect(id.auth.completeMfa(challenge.mfa_token, '123456', from())).rejects.toMatchObject({ status: 429 });
    expect(id.uow.eventsOf('login.failed').map((e) => e.data.reason)).toEqual(['invalid_mfa_code', 'invalid_mfa_code', 'invalid_mfa_code']);
    expect(id.uow.eventsOf('login.locked').map((e) => e.data.target)).toEqual([expect.objectContaining({ key: 'mfa', user_id: ada.id, failures: 3 })]);
  });
});
