import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, startAuthz, startIdentity, type RunningAuthz, type RunningIdentity } from '../../support/harness.js';
import { person, PERSON_PASSWORD, signInWithTotp, type Person } from '../../support/people.js';
import { AttackTally, recordAttack } from './support.js';

// Finding 7 (medium): an impersonation token enrolled TOTP on its target (getting the secret and recovery codes and
// locking the owner out), revoked the target's sessions and more. Now what an impersonation may do to the account it
// acts as is a rule in policies/policy.csv (session:impersonation on `account`), which identity's own-account routes ask.
const SUITE = 'an-impersonation-cannot-take-over-the-account-it-acts-as';

let identity: RunningIdentity;
let authz: RunningAuthz;
let root: Person;
let rootWithOtp: string;
const tally = new AttackTally();
let passed = 0;

beforeAll(async () => {
  identity = await startIdentity();
  authz = await startAuthz(identity);
  root = await person(identity, 'takeover-root', ['platform_admin']);
  await eventually(async () => (identity.runtime.policy.enforce(root.id, 'platform', 'users', 'impersonate') ? true : undefined));
  rootWithOtp = await signInWithTotp(identity.url, root);
}, 60_000);

afterAll(async () => {
  if (passed === 2) {
    recordAttack({
      suite: SUITE,
      title: 'Attack: an impersonation taking over the account it acts as',
      finding: 7,
      tried: tally.tried,
      gotIn: tally.gotIn,
      notes: "With an impersonation token: enrol, confirm and remove TOTP, end the target's sessions one by one or all at once, change the password. Each refused (403) by the own-account rule; the target keeps its sessions and signs in as before.",
    });
  }
  await authz?.close();
  await identity?.close();
});

describe('an impersonation', () => {
  it("cannot change the target's second factors, sessions or password; reading and renaming stay allowed", async () => {
    const target = await person(identity, 'takeover-target');
    const started = await call('POST', `${identity.url}/v1/impersonation`, rootWithOtp, { target_user_id: target.id, reason: 'takeover attempt' });
    expect(started.status).toBe(201);
    const as = started.body.access_token as string;
    const me = (method: string, path: string, body?: unknown) => call(method, `${identity.url}/v1/me${path}`, as, body);

    const sessions = await me('GET', '/sessions');
    expect(sessions.status).toBe(200);
    const targetSession = (sessions.body.items as { id: string; current: boolean }[]).find((s) => !s.current)!;
    const attempts: [string, Promise<{ status: number; body: { detail?: string } }>][] = [
      ['enrol TOTP', me('POST', '/mfa/totp')],
      ['confirm TOTP', me('POST', '/mfa/totp/confirm', { code: '123456' })],
      ['remove TOTP', me('DELETE', '/mfa/totp', { code: '123456' })],
      ['end all other sessions', me('DELETE', '/sessions')],
      ["end the target's session", me('DELETE', `/sessions/${targetSession.id}`)],
      ['change the password', me('PUT', '/password', { current_password: PERSON_PASSWORD, new_password: 'the impersonator now owns it' })],
    ];
    for (const [what, pending] of attempts) {
      const answer = await pending;
      expect(tally.attempt(answer.status === 403), `${what}: ${answer.status}`).toBe(true);
      expect(answer.body.detail).toMatch(/impersonation may not/);
    }
    expect((await me('GET', '')).status).toBe(200);
    expect((await me('PATCH', '', { name: 'Renamed by support' })).status).toBe(200);
    // The target is untouched: their session works, no second factor appeared, the password is theirs.
    expect((await call('GET', `${identity.url}/v1/me`, target.token)).status).toBe(200);
    const signIn = await call('POST', `${identity.url}/v1/auth/login`, undefined, { email: target.email, password: PERSON_PASSWORD });
    expect(signIn.status).toBe(200);
    expect(tally.attempt(signIn.body.mfa_required === undefined && typeof signIn.body.access_token === 'string')).toBe(true);
    passed++;
  });

  it('is refused by a rule policy authors can read and test: the decision names the deny in policy.csv', async () => {
    for (const action of ['change_password', 'manage_mfa', 'manage_sessions']) {
      const answer = await call('POST', `${authz.url}/v1/check`, root.token, { subject: 'session:impersonation', object: 'account', action });
      expect(answer.status).toBe(200);
      expect(tally.attempt(answer.body.allowed === false)).toBe(true);
      expect(answer.body.reason.matched_policy).toEqual(['session:impersonation', 'platform', 'account', action, 'deny']);
      const own = await call('POST', `${authz.url}/v1/check`, root.token, { subject: 'session:user', object: 'account', action });
      expect(own.body.allowed).toBe(true);
    }
    passed++;
  });
});
