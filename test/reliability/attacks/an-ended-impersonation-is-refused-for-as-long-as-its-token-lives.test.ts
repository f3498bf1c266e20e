import { Kvm } from '@nats-io/kv';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@portcullis/shared/config';
import { loadIdentityConfig } from '../../../services/identity/src/config.js';
import { call, eventually, startEveryService, testEnv, type EveryService } from '../../support/harness.js';
import { person, signInWithTotp, type Person } from '../../support/people.js';
import { connectTestNats } from '../../support/test-nats.js';
import { AttackTally, recordAttack } from './support.js';

// Finding 2 (high): revocations were remembered 16 minutes, an impersonation token lives up to 30. An impersonation
// ended at t=0 was accepted again at t+16 min. Now every service keeps a revocation at least as long as the longest
// token it covers (the bucket's TTL, derived and checked by identity at start).
const SUITE = 'an-ended-impersonation-is-refused-for-as-long-as-its-token-lives';

let services: EveryService;
let root: Person;
let rootWithOtp: string;
const tally = new AttackTally();
let passed = 0;
let margin = Infinity;

beforeAll(async () => {
  services = await startEveryService();
  root = await person(services.identity, 'lifetime-root', ['platform_admin']);
  await eventually(async () => (services.identity.runtime.policy.enforce(root.id, 'platform', 'users', 'impersonate') ? true : undefined));
  rootWithOtp = await signInWithTotp(services.identity.url, root);
}, 60_000);

afterAll(async () => {
  if (passed === 2) {
    recordAttack({
      suite: SUITE,
      title: 'Attack: an ended impersonation coming back to life',
      finding: 2,
      tried: tally.tried,
      gotIn: tally.gotIn,
      figures: [{ name: 'Shortest margin between a service forgetting the revocation and the token expiring', value: `${Math.round(margin / 1000)} s`, expected: '≥ 0' }],
      notes: 'A 30-minute impersonation ended at once: each of tenancy, sharing, audit and authz must refuse it until its token expires, not 16 minutes.',
    });
  }
  await services?.close();
});

describe('an ended impersonation', () => {
  it('cannot be configured to be forgotten before its token expires: identity refuses to start', () => {
    const tooShort = () => loadIdentityConfig(testEnv({ REVOKED_SESSIONS_TTL: '16m', IMPERSONATION_MAX_TTL: '30m' }, 'identity'));
    expect(tooShort).toThrow(ConfigError);
    expect(tooShort).toThrow(/REVOKED_SESSIONS_TTL/);
    expect(tally.attempt(true)).toBe(true);
    // Unset, it is derived: the longest token plus a minute.
    expect(loadIdentityConfig(testEnv({}, 'identity')).REVOKED_SESSIONS_TTL).toBe(31 * 60_000);
    passed++;
  });

  it('is refused by every service until its token expires, 30 minutes on, not 16', async () => {
    const target = await person(services.identity, 'lifetime-target');
    const started = await call('POST', `${services.identity.url}/v1/impersonation`, rootWithOtp, { target_user_id: target.id, reason: 'lifetime check', duration_minutes: 30 });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const expiresAtMs = (decodeJwt(started.body.access_token).exp as number) * 1000;
    expect(expiresAtMs - Date.now()).toBeGreaterThan(29 * 60_000);
    expect((await call('POST', `${services.identity.url}/v1/impersonation/end`, started.body.access_token)).status).toBe(200);

    const { tenancy, sharing, audit, authz } = services;
    const others = { tenancy, sharing, audit, authz };
    await eventually(async () => (Object.values(others).every((s) => s.runtime.revokedSessions.isRevoked(started.body.session_id)) ? true : undefined), 1000, 10);
    for (const [name, service] of Object.entries(others)) {
      const until = service.runtime.revokedSessions.revokedUntil(started.body.session_id)!;
      margin = Math.min(margin, until - expiresAtMs);
      expect(tally.attempt(until >= expiresAtMs), `${name} forgets it ${Math.round((expiresAtMs - until) / 1000)} s before the token expires`).toBe(true);
    }
    // The bucket every instance loads from keeps the entry as long.
    const nc = await connectTestNats('lifetime-check');
    try {
      const status = await (await new Kvm(nc).open(services.identity.config.REVOKED_SESSIONS_BUCKET)).status();
      expect(tally.attempt(status.ttl >= 30 * 60_000)).toBe(true);
    } finally {
      await nc.close();
    }
    // And it is refused now, everywhere.
    expect(tally.attempt((await call('GET', `${services.tenancy.url}/v1/me/tenants`, started.body.access_token)).status === 401)).toBe(true);
    expect(tally.attempt((await call('POST', `${services.authz.url}/v1/check`, started.body.access_token, { object: 'users', action: 'read' })).status === 401)).toBe(true);
    passed++;
  });
});
