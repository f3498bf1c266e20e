import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { call, startIdentity, type RunningIdentity } from '../../../../test/support/harness.js';
import { person } from '../../../../test/support/people.js';

let identity: RunningIdentity;
const PASSWORD = 'correct horse battery staple 42';
const url = (path: string) => `${identity.url}/v1${path}`;
/** A source address of its own per test, as the gateway sets it (identity trusts exactly one proxy hop). */
let sources = 0;
const source = () => ({ 'x-forwarded-for': `198.51.100.${++sources}` });
const login = (email: string, password: string, from: Record<string, string>) => call('POST', url('/auth/login'), undefined, { email, password }, from);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function events(type: string, since: Date) {
  return identity.runtime.orm.em.fork().execute<{ payload: { data: { target: Record<string, unknown> } } }[]>(
    "select payload from identity.outbox where payload->>'type' = ? and created_at >= ?",
    [type, since],
  );
}

beforeAll(async () => {
  identity = await startIdentity({ LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_SOURCE: '5', LOGIN_LOCK_BASE: '1s' });
});
afterAll(async () => {
  await identity?.close();
});

describe('brute-force protection', () => {
  it('locks an account after repeated failures (429 with retry-after, even for the right password), audits it, and resets on success', async () => {
    const started = new Date();
    const me = await person(identity, 'locked');
    const from = source();
    for (let i = 0; i < 3; i++) expect((await login(me.email, 'wrong password', from)).status).toBe(401);
    const refused = await login(me.email, PASSWORD, source());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const [locked] = await events('portcullis.identity.login.locked', started);
    expect(locked.payload.data.target).toMatchObject({ key: 'account', email: me.email, failures: 3 });

    await sleep(1100);
    expect((await login(me.email, PASSWORD, from)).status).toBe(200);
    expect((await events('portcullis.identity.login.unlocked', started)).length).toBeGreaterThanOrEqual(1);
    // Reset: the next failure is the first again, not a lock.
    expect((await login(me.email, 'wrong password', from)).status).toBe(401);
    expect((await login(me.email, PASSWORD, from)).status).toBe(200);
  });

  it('locks a source address that fails on many accounts, and only that address', async () => {
    const from = source();
    const victims = await Promise.all(Array.from({ length: 5 }, (_, i) => person(identity, `spray${i}`)));
    for (const victim of victims) expect((await login(victim.email, 'Winter2026!', from)).status).toBe(401);
    const bystander = await person(identity, 'bystander');
    expect((await login(bystander.email, PASSWORD, from)).status).toBe(429);
    expect((await login(bystander.email, PASSWORD, source())).status).toBe(200);
  });

  it('locks the MFA step after repeated wrong codes', async () => {
    const me = await person(identity, 'mfa-locked');
    const { body } = await call('POST', url('/me/mfa/totp'), me.token);
    await call('POST', url('/me/mfa/totp/confirm'), me.token, { code: await generate({ secret: body.secret }) });
    const from = source();
    const challenge = (await login(me.email, PASSWORD, from)).body.mfa_token as string;
    for (let i = 0; i < 3; i++) expect((await call('POST', url('/auth/mfa'), undefined, { mfa_token: challenge, code: '000000' }, from)).status).toBe(401);
    const code = await generate({ secret: body.secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect((await call('POST', url('/auth/mfa'), undefined, { mfa_token: challenge, code }, source())).status).toBe(429);
  });
});
