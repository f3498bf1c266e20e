// Issue part 5: every abuse limit, tried against the real services over HTTP and measured.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, eventually, startIdentity, startSharing, startTenancy, uniqueEmail, type RunningIdentity, type RunningSharing, type RunningTenancy } from '../support/harness.js';
import { person, type Person } from '../support/people.js';
import { writeSuiteReport, type ReliabilityFigure } from './support/report.js';

const SUITE = 'abuse-is-limited-and-measured';
const PASSWORD = 'correct horse battery staple 42';
// Short locks so the test can watch them lift; a small per-source threshold (testEnv sets it very high for other suites).
const LOCK_BASE = '2s';
const MAX_FAILURES_PER_SOURCE = 8;
const RESOLVE_RATE_LIMIT = 20;

let identity: RunningIdentity;
let tenancy: RunningTenancy;
let sharing: RunningSharing;
let root: Person;
let tenantId: string;

const id = (path: string) => `${identity.url}/v1${path}`;
const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A fresh client address per use: the throttle table is shared with test files running in parallel, so this suite
// must never count failures against loopback or an address another file uses. Identity and sharing trust one proxy hop:
// the address the gateway writes into x-forwarded-for.
const run = `${(process.pid & 0xffff).toString(16)}:${(Date.now() & 0xffff).toString(16)}`;
let sources = 0;
const source = () => ({ 'x-forwarded-for': `2001:db8:${run}::${(++sources).toString(16)}` });

const login = (email: string, password: string, from: Record<string, string>) => call('POST', id('/auth/login'), undefined, { email, password }, from);
const mfa = (mfaToken: string, code: string, from: Record<string, string>) => call('POST', id('/auth/mfa'), undefined, { mfa_token: mfaToken, code }, from);
const refresh = (refreshToken: string) => call('POST', id('/auth/refresh'), undefined, { refresh_token: refreshToken }, source());

/** Turns TOTP on (the confirm spends the current time step's code); answers the secret and the spent code. */
async function enableTotp(who: Person): Promise<{ secret: string; confirmCode: string }> {
  const { body } = await call('POST', id('/me/mfa/totp'), who.token);
  const confirmCode = await generate({ secret: body.secret });
  expect((await call('POST', id('/me/mfa/totp/confirm'), who.token, { code: confirmCode })).status).toBe(200);
  return { secret: body.secret, confirmCode };
}
/** The next time step's code: the current one may be spent by the confirm. */
const nextCode = (secret: string) => generate({ secret, epoch: now() + 30 });
/** A six-digit code that is none of those identity accepts now (one step either side), so it is wrong for sure. */
async function wrongCode(secret: string): Promise<string> {
  const near = await Promise.all([-30, 0, 30].map((d) => generate({ secret, epoch: now() + d })));
  for (let n = 0; ; n++) if (!near.includes(String(n).padStart(6, '0'))) return String(n).padStart(6, '0');
}
async function challenge(who: Person): Promise<string> {
  const res = await login(who.email, PASSWORD, source());
  expect(res.body, JSON.stringify(res.body)).toMatchObject({ mfa_required: true });
  return res.body.mfa_token;
}

/** Sends `attempt` until it is answered 429 (at most `max` times); every earlier answer must be `allowedStatus`. */
async function untilRefused(max: number, allowedStatus: number, attempt: () => ReturnType<typeof call>) {
  let allowed = 0;
  let lastAllowedAt = 0;
  for (let i = 0; i < max; i++) {
    const res = await attempt();
    if (res.status === 429) return { allowed, refused: res, lastAllowedAt };
    expect(res.status, JSON.stringify(res.body)).toBe(allowedStatus);
    allowed += 1;
    lastAllowedAt = Date.now();
  }
  throw new Error(`still not refused after ${max} attempts`);
}

// Figures are kept only from tests whose assertions all passed; the report is written only when every abuse passed.
const ABUSES = ['account lockout', 'source lockout', 'mfa limit', 'resolve rate limit', 'totp replay', 'invitation replay', 'refresh reuse'] as const;
const figures: ReliabilityFigure[] = [];
const recorded = new Set<string>();
let failed = false;
function record(abuse: (typeof ABUSES)[number], list: ReliabilityFigure[]): void {
  figures.push(...list.map((f) => (f.expected ? { ...f, ok: true } : f)));
  recorded.add(abuse);
}

beforeAll(async () => {
  identity = await startIdentity({ LOGIN_LOCK_BASE: LOCK_BASE, LOGIN_MAX_FAILURES_PER_SOURCE: String(MAX_FAILURES_PER_SOURCE) });
  tenancy = await startTenancy(identity, { MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'portcullis-mail-')) });
  sharing = await startSharing(identity, { RESOLVE_RATE_LIMIT: String(RESOLVE_RATE_LIMIT), RESOLVE_RATE_WINDOW: '1m' });
  root = await person(identity, 'root', ['platform_admin']);
  await eventually(async () => (tenancy.runtime.policy.enforce(root.id, 'platform', 'tenant', 'create') ? true : undefined));
  const slug = `abuse-${process.pid}-${Date.now().toString(36)}`;
  const tenant = await call('POST', `${tenancy.url}/v1/tenants`, root.token, { name: `Abuse ${slug}`, slug, settings: { allow_public_shares: true } });
  expect(tenant.status, JSON.stringify(tenant.body)).toBe(201);
  tenantId = tenant.body.id;
});

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    failed = true;
  });
});

afterAll(async () => {
  if (!failed && ABUSES.every((a) => recorded.has(a))) {
    writeSuiteReport({
      suite: SUITE,
      title: 'Abuse limits',
      part: 5,
      figures,
      notes: [
        `Identity ran with LOGIN_MAX_FAILURES ${identity.config.LOGIN_MAX_FAILURES} (the default), LOGIN_MAX_FAILURES_PER_SOURCE ${MAX_FAILURES_PER_SOURCE} (default 20) and`,
        `LOGIN_LOCK_BASE ${LOCK_BASE} (default 30s) so the locks could be watched lifting; sharing with RESOLVE_RATE_LIMIT ${RESOLVE_RATE_LIMIT}`,
        'per 1m (default 120). Locks are kept in Postgres (shared by every identity instance); the resolve limit is counted',
        'per sharing instance. Every failing request came from an address of its own unless the figure says one address.',
      ].join(' '),
    });
  }
  await sharing?.close();
  await tenancy?.close();
  await identity?.close();
});

describe('sign-in lockout', () => {
  it('locks an account after LOGIN_MAX_FAILURES wrong passwords from any addresses, refuses the right one while locked, and lifts the lock, doubling it on the next failure', async () => {
    const max = identity.config.LOGIN_MAX_FAILURES;
    const baseS = identity.config.LOGIN_LOCK_BASE / 1000;
    const me = await person(identity, 'lockout');

    // Each wrong password from a different address: it is the account that locks, not an address.
    const first = await untilRefused(max + 5, 401, () => login(me.email, 'not the password', source()));
    expect(first.allowed).toBe(max);
    expect(first.refused.headers.get('content-type')).toContain('application/problem+json');
    expect(first.refused.body).toMatchObject({ type: 'https://portcullis.dev/problems/rate-limited', title: 'Too Many Requests', status: 429 });
    const rightWhileLocked = await login(me.email, PASSWORD, source());
    expect(rightWhileLocked.status).toBe(429);
    const firstRetryAfter = Number(rightWhileLocked.headers.get('retry-after'));
    expect(firstRetryAfter).toBeGreaterThanOrEqual(1);
    expect(firstRetryAfter).toBeLessThanOrEqual(baseS);

    // Once it lifts, the counter is still there (only a success resets it): one more failure locks again, twice as long.
    await sleep(first.lastAllowedAt + baseS * 1000 + 300 - Date.now());
    const second = await untilRefused(max + 5, 401, () => login(me.email, 'not the password', source()));
    expect(second.allowed).toBe(1);
    const rightWhileRelocked = await login(me.email, PASSWORD, source());
    expect(rightWhileRelocked.status).toBe(429);
    const secondRetryAfter = Number(rightWhileRelocked.headers.get('retry-after'));
    expect(secondRetryAfter).toBeGreaterThan(baseS);
    expect(secondRetryAfter).toBeLessThanOrEqual(2 * baseS);

    // The right password is refused until the lock lifts, then accepted (and the counter starts from zero).
    const signedIn = await eventually(async () => {
      const res = await login(me.email, PASSWORD, source());
      return res.status === 200 ? res : undefined;
    }, 4 * baseS * 1000, 100);
    const liftedAfterS = (Date.now() - second.lastAllowedAt) / 1000;
    expect(signedIn.body.access_token).toBeTruthy();
    expect(liftedAfterS).toBeGreaterThan(2 * baseS - 0.5);
    expect(liftedAfterS).toBeLessThan(2 * baseS + 2);
    expect((await login(me.email, 'not the password', source())).status).toBe(401);

    record('account lockout', [
      { name: 'Wrong passwords before the account locks (each from another address)', value: first.allowed, expected: `= LOGIN_MAX_FAILURES (${max})` },
      { name: 'Answer while the account is locked', value: `${first.refused.status} ${first.refused.body.title} (problem+json, type ${first.refused.body.type})`, expected: '429 problem+json' },
      { name: 'Right password while the account is locked', value: `refused (${rightWhileLocked.status})`, expected: 'refused (429)' },
      { name: 'Retry-After of the first lock (s)', value: firstRetryAfter, expected: `≤ LOGIN_LOCK_BASE (${baseS} s)` },
      { name: 'Wrong passwords after the lock lifted before it locks again', value: second.allowed, expected: '1 (the count is kept until a success)' },
      { name: 'Retry-After of the second lock (s)', value: secondRetryAfter, expected: `≤ 2 × LOGIN_LOCK_BASE (${2 * baseS} s), > ${baseS} s` },
      { name: 'Second lock lifted after (s)', value: Number(liftedAfterS.toFixed(1)), expected: `≈ 2 × LOGIN_LOCK_BASE (${2 * baseS} s)` },
    ]);
  }, 60_000);

  it('locks a source address after LOGIN_MAX_FAILURES_PER_SOURCE failures spread over many accounts, for every account, and only that address', async () => {
    const perSource = identity.config.LOGIN_MAX_FAILURES_PER_SOURCE;
    expect(perSource).toBe(MAX_FAILURES_PER_SOURCE);
    const bystander = await person(identity, 'bystander');
    const from = source();
    // Password spraying: one guess per account, so no account reaches its own limit.
    const spray = await untilRefused(perSource + 5, 401, () => login(uniqueEmail('sprayed'), 'Winter2026!', from));
    expect(spray.allowed).toBe(perSource);
    const bystanderHere = await login(bystander.email, PASSWORD, from);
    expect(bystanderHere.status).toBe(429);
    const retryAfter = Number(bystanderHere.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    const bystanderElsewhere = await login(bystander.email, PASSWORD, source());
    expect(bystanderElsewhere.status).toBe(200);

    record('source lockout', [
      { name: 'Wrong passwords from one address (one per account) before the address locks', value: spray.allowed, expected: `= LOGIN_MAX_FAILURES_PER_SOURCE (${perSource})` },
      { name: 'Right password of another account from the locked address', value: `refused (${bystanderHere.status}, Retry-After ${retryAfter} s)`, expected: 'refused (429)' },
      { name: 'Same account from another address meanwhile', value: bystanderElsewhere.status, expected: '200' },
    ]);
  }, 60_000);
});

describe('MFA attempt limit', () => {
  it('locks the MFA step of a user after LOGIN_MAX_FAILURES wrong codes, then refuses even the right code, on that mfa_token and on a new one', async () => {
    const max = identity.config.LOGIN_MAX_FAILURES;
    const me = await person(identity, 'mfa-limit');
    const { secret } = await enableTotp(me);
    // Both challenges up front: the lock lasts only LOGIN_LOCK_BASE here.
    const [attacked, later] = [await challenge(me), await challenge(me)];
    const wrong = await wrongCode(secret);

    // Each wrong code from a different address: it is the user's MFA step that locks.
    const guesses = await untilRefused(max + 5, 401, () => mfa(attacked, wrong, source()));
    expect(guesses.allowed).toBe(max);
    expect(guesses.refused.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    const right = await nextCode(secret);
    const sameToken = await mfa(attacked, right, source());
    const newToken = await mfa(later, right, source());
    expect(sameToken.status).toBe(429);
    expect(newToken.status).toBe(429);
    // The password step is a lock of its own: the account itself is not locked by MFA failures.
    expect((await login(me.email, PASSWORD, source())).body).toMatchObject({ mfa_required: true });

    record('mfa limit', [
      { name: 'Wrong TOTP codes on one mfa_token before the MFA step locks (each from another address)', value: guesses.allowed, expected: `= LOGIN_MAX_FAILURES (${max})` },
      { name: 'Right TOTP code while the MFA step is locked (same / new mfa_token)', value: `refused (${sameToken.status} / ${newToken.status})`, expected: 'refused (429 / 429)' },
    ]);
  }, 60_000);
});

describe('share-resolve rate limit', () => {
  it('lets one address resolve RESOLVE_RATE_LIMIT times per window, then answers 429 with Retry-After, counting no views, while other addresses go on', async () => {
    expect(sharing.config.RESOLVE_RATE_LIMIT).toBe(RESOLVE_RATE_LIMIT);
    const alice = await person(identity, 'sharer');
    expect((await call('POST', `${tenancy.url}/v1/tenants/${tenantId}/members`, root.token, { user_id: alice.id, roles: ['member'] })).status).toBe(201);
    await eventually(async () => (sharing.runtime.policy.enforce(alice.id, `tenant:${tenantId}`, 'document', 'share') ? true : undefined));
    const share = await call('POST', `${sharing.url}/v1/tenants/${tenantId}/shares`, alice.token, { resource_type: 'document', resource_id: `doc-${process.pid}-${Date.now().toString(36)}`, visibility: 'public' });
    expect(share.status, JSON.stringify(share.body)).toBe(201);

    const from = source();
    const resolve = (headers: Record<string, string>) => call('GET', `${sharing.url}/v1/s/${share.body.token}`, undefined, undefined, headers);
    const statuses: number[] = [];
    let retryAfter = 0;
    for (let i = 0; i < RESOLVE_RATE_LIMIT + 10; i++) {
      const res = await resolve(from);
      statuses.push(res.status);
      if (res.status === 429 && !retryAfter) retryAfter = Number(res.headers.get('retry-after'));
    }
    const allowed = statuses.indexOf(429);
    expect(allowed).toBe(RESOLVE_RATE_LIMIT);
    expect(statuses.slice(0, allowed).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(allowed).every((s) => s === 429)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(sharing.config.RESOLVE_RATE_WINDOW / 1000);
    const elsewhere = await resolve(source());
    expect(elsewhere.status).toBe(200);
    // Refused resolves never reach the link: only the allowed ones count as views.
    const read = await call('GET', `${sharing.url}/v1/tenants/${tenantId}/shares/${share.body.id}`, alice.token);
    expect(read.body.view_count).toBe(allowed + 1);

    record('resolve rate limit', [
      { name: `Resolves from one address allowed before 429 (of ${statuses.length} sent)`, value: allowed, expected: `= RESOLVE_RATE_LIMIT (${RESOLVE_RATE_LIMIT})` },
      { name: 'Resolves refused with 429 past the limit', value: statuses.length - allowed, expected: `${statuses.length - allowed} (all)` },
      { name: 'Retry-After of the first 429 (s)', value: retryAfter, expected: `1–${sharing.config.RESOLVE_RATE_WINDOW / 1000} (RESOLVE_RATE_WINDOW)` },
      { name: 'Resolve from another address meanwhile', value: elsewhere.status, expected: '200' },
      { name: 'Views counted on the link', value: read.body.view_count, expected: `= allowed resolves (${allowed + 1})` },
    ]);
  }, 60_000);
});

describe('replays', () => {
  it('accepts a TOTP code once: the code spent by the confirm, a code spent by a sign-in, and one of two simultaneous uses are refused', async () => {
    const me = await person(identity, 'totp-replay');
    const { secret, confirmCode } = await enableTotp(me);
    const replayedConfirm = await mfa(await challenge(me), confirmCode, source());
    expect(replayedConfirm.status).toBe(401);
    const code = await nextCode(secret);
    const firstUse = await mfa(await challenge(me), code, source());
    expect(firstUse.status).toBe(200);
    expect(decodeJwt(firstUse.body.access_token).amr).toEqual(['pwd', 'otp']);
    const secondUse = await mfa(await challenge(me), code, source());
    expect(secondUse.status).toBe(401);
    // Turning TOTP off takes a code too, and a spent one does not do.
    const disableWithSpent = await call('DELETE', id('/me/mfa/totp'), me.token, { code });
    expect(disableWithSpent.status).toBe(400);

    // Two sign-ins racing with one code (as from two instances): the stored time step lets only one through.
    const racer = await person(identity, 'totp-race');
    const raced = await enableTotp(racer);
    const [a, b] = [await challenge(racer), await challenge(racer)];
    const racedCode = await nextCode(raced.secret);
    const answers = await Promise.all([mfa(a, racedCode, source()), mfa(b, racedCode, source())]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);

    record('totp replay', [
      { name: 'TOTP code spent by the MFA confirm, replayed at sign-in', value: `refused (${replayedConfirm.status})`, expected: 'refused (401)' },
      { name: 'TOTP code used at sign-in, used again at a second sign-in', value: `refused (${secondUse.status})`, expected: 'refused (401)' },
      { name: 'Spent TOTP code to turn TOTP off', value: `refused (${disableWithSpent.status})`, expected: 'refused (400)' },
      { name: 'Simultaneous sign-ins with one TOTP code that succeed', value: answers.filter((r) => r.status === 200).length, expected: '1 (of 2)' },
    ]);
  }, 60_000);

  it('accepts an invitation once: accepting it again, racing two accepts, or signing up twice with it is refused with 410', async () => {
    const invite = async (email: string) => {
      const res = await call('POST', `${tenancy.url}/v1/tenants/${tenantId}/invitations`, root.token, { email, roles: ['member'] });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.token as string;
    };
    const accept = (who: Person, token: string) => call('POST', `${tenancy.url}/v1/invitations/accept`, who.token, { token });

    const invitee = await person(identity, 'invitee');
    const token = await invite(invitee.email);
    const accepted = await accept(invitee, token);
    expect(accepted).toMatchObject({ status: 200, body: { tenant_id: tenantId, roles: ['member'] } });
    const again = await accept(invitee, token);
    expect(again.status).toBe(410);

    // Two accepts at once: the invitation row is locked while one is accepted, so the other sees it used.
    const racer = await person(identity, 'invitee-race');
    const racedToken = await invite(racer.email);
    const raced = await Promise.all([accept(racer, racedToken), accept(racer, racedToken)]);
    expect(raced.map((r) => r.status).sort()).toEqual([200, 410]);

    // Sign-up with an invitation (identity asks tenancy): the second sign-up with the same token is refused.
    const signUpToken = await invite(uniqueEmail('newcomer'));
    const register = () => call('POST', id('/auth/register'), undefined, { invitation_token: signUpToken, name: 'New Comer', password: 'a long enough password' }, source());
    const signedUp = await register();
    expect(signedUp.status, JSON.stringify(signedUp.body)).toBe(201);
    const signedUpAgain = await register();
    expect(signedUpAgain.status).toBe(410);

    const members = await call('GET', `${tenancy.url}/v1/tenants/${tenantId}/members?page_size=100`, root.token);
    const ids = (members.body.items as { user_id: string }[]).map((m) => m.user_id);
    expect(ids.filter((u) => u === invitee.id || u === racer.id)).toHaveLength(2);

    record('invitation replay', [
      { name: 'Invitation accepted a second time', value: `refused (${again.status})`, expected: 'refused (410)' },
      { name: 'Simultaneous accepts of one invitation that succeed', value: raced.filter((r) => r.status === 200).length, expected: '1 (of 2)' },
      { name: 'Second sign-up with a used invitation', value: `refused (${signedUpAgain.status})`, expected: 'refused (410)' },
    ]);
  }, 60_000);

  it('refuses a rotated refresh token presented again and revokes its whole family: the newer refresh token, the session and its access tokens, everywhere', async () => {
    const me = await person(identity, 'refresh-reuse'); // this first session is no part of the family
    const signedIn = await login(me.email, PASSWORD, source());
    expect(signedIn.status).toBe(200);
    const rotated = await refresh(signedIn.body.refresh_token);
    expect(rotated.status).toBe(200);
    const tenancyMe = (token: string) => call('GET', `${tenancy.url}/v1/me/tenants`, token);
    expect((await call('GET', id('/me'), rotated.body.access_token)).status).toBe(200);
    expect((await tenancyMe(rotated.body.access_token)).status).toBe(200);

    const reusedAt = Date.now();
    const reused = await refresh(signedIn.body.refresh_token);
    expect(reused.status).toBe(401);
    expect(reused.body.detail).toMatch(/already used/);
    const newer = await refresh(rotated.body.refresh_token);
    expect(newer.status).toBe(401);
    const identityMe = await call('GET', id('/me'), rotated.body.access_token);
    expect(identityMe.status).toBe(401);
    expect((await call('GET', id('/me'), signedIn.body.access_token)).status).toBe(401);
    // Other services learn of it over NATS.
    await eventually(async () => ((await tenancyMe(rotated.body.access_token)).status === 401 ? true : undefined), 2000, 20);
    const refusedInTenancyMs = Date.now() - reusedAt;
    const otherSession = await call('GET', id('/me'), me.token);
    expect(otherSession.status).toBe(200);

    const sessionId = decodeJwt(rotated.body.access_token).sid as string;
    const [session] = await identity.runtime.orm.em.fork().execute<{ revoked_reason: string | null }[]>('select revoked_reason from identity.sessions where id = ?', [sessionId]);
    expect(session.revoked_reason).toBe('refresh_reused');
    const events = await identity.runtime.orm.em
      .fork()
      .execute("select 1 from identity.outbox where payload->>'type' = 'portcullis.identity.refresh.reused' and payload->>'subject' = ?", [`user:${me.id}`]);
    expect(events).toHaveLength(1);

    expect(refusedInTenancyMs).toBeLessThanOrEqual(1000);

    record('refresh reuse', [
      { name: 'Rotated refresh token presented again', value: `refused (${reused.status})`, expected: 'refused (401)' },
      { name: 'Newer refresh token of the same family after the reuse', value: `refused (${newer.status})`, expected: 'refused (401)' },
      { name: "The family's session after the reuse", value: `${session.revoked_reason}; access token refused (${identityMe.status})`, expected: 'revoked (refresh_reused)' },
      { name: "Reuse to the family's access token refused in tenancy (ms, at most)", value: refusedInTenancyMs, expected: '≤ 1,000 ms' },
      { name: 'Another session of the same user', value: `unaffected (${otherSession.status})`, expected: 'unaffected (200)' },
    ]);
  }, 60_000);
});
