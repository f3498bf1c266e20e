import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, startEveryService, type EveryService } from '../../support/harness.js';
import { person, signInWithTotp, type Person } from '../../support/people.js';
import { AttackTally, recordAttack } from './support.js';

// Finding 8 (medium): an impersonation went on after its impersonator signed out or was disabled. Now it ends with the
// session that started it, when its impersonator loses platform_admin, and is recorded when it expires; every service
// refuses its token within a second, and the end is audited with its reason.
const SUITE = 'an-impersonation-ends-with-its-impersonator';

let services: EveryService;
let root: Person;
const tally = new AttackTally();
const refusedAfter: number[] = [];
let passed = 0;

/** A platform admin signed in with TOTP (impersonation needs it), impersonating a fresh target. */
async function impersonating(label: string) {
  const admin = await person(services.identity, `${label}-admin`, ['platform_admin']);
  await eventually(async () => (services.identity.runtime.policy.enforce(admin.id, 'platform', 'users', 'impersonate') ? true : undefined));
  const adminToken = await signInWithTotp(services.identity.url, admin);
  const target = await person(services.identity, `${label}-target`);
  const started = await call('POST', `${services.identity.url}/v1/impersonation`, adminToken, { target_user_id: target.id, reason: `${label} check` });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return { admin, adminToken, target, sessionId: started.body.session_id as string, token: started.body.access_token as string };
}

/** Every service refuses the token (401); resolves with how long it took from `since`. */
async function refusedEverywhere(token: string, since: number): Promise<number> {
  const { identity, tenancy, sharing, audit, authz } = services;
  const probes = [
    () => call('GET', `${identity.url}/v1/me`, token),
    () => call('GET', `${tenancy.url}/v1/me/tenants`, token),
    () => call('GET', `${sharing.url}/v1/tenants/${decodeJwt(token).sub}/shares`, token),
    () => call('GET', `${audit.url}/v1/events?limit=1`, token),
    () => call('POST', `${authz.url}/v1/check`, token, { object: 'users', action: 'read' }),
  ];
  await eventually(async () => ((await Promise.all(probes.map((p) => p()))).every((a) => a.status === 401) ? true : undefined), 3000, 10);
  const took = Date.now() - since;
  refusedAfter.push(took);
  return took;
}

async function endOf(sessionId: string): Promise<{ end_reason: string | null; active: boolean }> {
  return (await call('GET', `${services.identity.url}/v1/impersonation/sessions/${sessionId}`, root.token)).body;
}

async function auditedEnd(sessionId: string): Promise<string[]> {
  const rows = await services.identity.runtime.orm.em.fork().execute<{ reason: string }[]>(
    `select payload->'data'->>'reason' as reason from identity.outbox where payload->>'type' = 'portcullis.identity.impersonation.ended' and payload->'data'->'target'->>'impersonation_session_id' = ?`,
    [sessionId],
  );
  return rows.map((r) => r.reason);
}

beforeAll(async () => {
  services = await startEveryService();
  root = await person(services.identity, 'bounded-root', ['platform_admin']);
  await eventually(async () => (services.identity.runtime.policy.enforce(root.id, 'platform', 'users', 'update') ? true : undefined));
}, 60_000);

afterAll(async () => {
  if (passed === 4) {
    recordAttack({
      suite: SUITE,
      title: 'Attack: an impersonation outliving its impersonator',
      finding: 8,
      tried: tally.tried,
      gotIn: tally.gotIn,
      figures: [{ name: 'Impersonation token refused by every service after the impersonator signed out / was disabled / lost platform_admin (ms)', value: refusedAfter.join(', '), expected: '< 1000 each', ok: refusedAfter.every((ms) => ms < 1000) }],
    });
  }
  await services?.close();
});

describe('an impersonation', () => {
  it('ends everywhere within a second when its impersonator signs out of the session that started it', async () => {
    const run = await impersonating('signout');
    const since = Date.now();
    expect((await call('POST', `${services.identity.url}/v1/auth/logout`, run.adminToken)).status).toBe(204);
    expect(tally.attempt((await refusedEverywhere(run.token, since)) < 1000)).toBe(true);
    expect(await endOf(run.sessionId)).toMatchObject({ active: false, end_reason: 'impersonator_logout' });
    expect(await auditedEnd(run.sessionId)).toEqual(['impersonator_logout']);
    passed++;
  });

  it('ends everywhere within a second when its impersonator is disabled', async () => {
    const run = await impersonating('disabled');
    const since = Date.now();
    expect((await call('PATCH', `${services.identity.url}/v1/users/${run.admin.id}`, root.token, { status: 'disabled' })).status).toBe(200);
    expect(tally.attempt((await refusedEverywhere(run.token, since)) < 1000)).toBe(true);
    expect(await endOf(run.sessionId)).toMatchObject({ active: false, end_reason: 'impersonator_user_disabled' });
    expect(await auditedEnd(run.sessionId)).toEqual(['impersonator_user_disabled']);
    passed++;
  });

  it('ends everywhere within a second when its impersonator loses platform_admin', async () => {
    const run = await impersonating('demoted');
    const since = Date.now();
    expect((await call('PUT', `${services.identity.url}/v1/users/${run.admin.id}/platform-roles`, root.token, { roles: [] })).status).toBe(200);
    expect(tally.attempt((await refusedEverywhere(run.token, since)) < 1000)).toBe(true);
    expect(await endOf(run.sessionId)).toMatchObject({ active: false, end_reason: 'impersonator_lost_platform_admin' });
    expect(await auditedEnd(run.sessionId)).toEqual(['impersonator_lost_platform_admin']);
    // The impersonator's own session goes on; it just may no longer impersonate.
    expect((await call('GET', `${services.identity.url}/v1/me`, run.adminToken)).status).toBe(200);
    passed++;
  });

  it('is recorded as ended, and audited, when it simply expires', async () => {
    const run = await impersonating('expiry');
    // Its time is up (set back rather than waited for: the shortest impersonation is a minute).
    await services.identity.runtime.orm.em.fork().execute(`update identity.impersonation_sessions set expires_at = now() - interval '1 second' where id = ?`, [run.sessionId]);
    expect(await services.identity.impersonation.endExpired()).toBeGreaterThanOrEqual(1);
    expect(await endOf(run.sessionId)).toMatchObject({ active: false, end_reason: 'expired' });
    expect(tally.attempt((await auditedEnd(run.sessionId)).includes('expired'))).toBe(true);
    passed++;
  });
});
