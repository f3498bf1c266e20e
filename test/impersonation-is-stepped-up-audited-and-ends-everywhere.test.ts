import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, startAudit, startIdentity, startTenancy, type RunningAudit, type RunningIdentity, type RunningTenancy } from './support/harness.js';
import { person, signInWithTotp, type Person } from './support/people.js';

let identity: RunningIdentity;
let tenancy: RunningTenancy;
let audit: RunningAudit;
let root: Person;
let rootWithOtp: string;
const id = (path: string) => `${identity.url}/v1${path}`;


const start = (token: string, body: Record<string, unknown>) => call('POST', id('/impersonation'), token, body);

beforeAll(async () => {
  identity = await startIdentity();
  [tenancy, audit] = await Promise.all([startTenancy(identity, { MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'portcullis-mail-')) }), startAudit(identity)]);
  root = await person(identity, 'root', ['platform_admin']);
  await eventually(async () => (identity.runtime.policy.enforce(root.id, 'platform', 'users', 'impersonate') ? true : undefined));
  rootWithOtp = await signInWithTotp(identity.url, root);
});

afterAll(async () => {
  await Promise.all([tenancy?.close(), audit?.close()]);
  await identity?.close();
});

describe('impersonation', () => {
  it('refuses: without a recent second factor (step-up), without a reason, oneself, a platform admin, from an impersonation token', async () => {
    const target = await person(identity, 'target');
    const stepUp = await start(root.token, { target_user_id: target.id, reason: 'support ticket 1' });
    expect(stepUp.status).toBe(403);
    expect(stepUp.body.type).toBe('https://portcullis.dev/problems/step-up-required');
    expect((await start(rootWithOtp, { target_user_id: target.id, reason: '  ' })).status).toBe(400);
    expect((await start(rootWithOtp, { target_user_id: root.id, reason: 'me' })).status).toBe(400);
    const otherAdmin = await person(identity, 'admin2', ['platform_admin']);
    expect((await start(rootWithOtp, { target_user_id: otherAdmin.id, reason: 'no' })).status).toBe(403);
    const plainUser = await person(identity, 'plain');
    expect((await start(plainUser.token, { target_user_id: target.id, reason: 'no' })).status).toBe(403);
    const started = await start(rootWithOtp, { target_user_id: target.id, reason: 'support ticket 2', duration_minutes: 120 });
    expect(started.status).toBe(201);
    expect(new Date(started.body.expires_at).getTime() - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    expect((await start(started.body.access_token, { target_user_id: plainUser.id, reason: 'chain' })).status).toBe(403);
    expect((await call('POST', id('/impersonation/end'), started.body.access_token)).status).toBe(200);
  });

  it('issues an act token without a refresh token; changes made with it name the impersonator; ending it is refused everywhere within 1 s', async () => {
    const target = await person(identity, 'victim');
    const slug = `imp-${Date.now().toString(36)}`;
    const tenant = (await call('POST', `${tenancy.url}/v1/tenants`, root.token, { name: `Imp ${slug}`, slug })).body;
    expect((await call('POST', `${tenancy.url}/v1/tenants/${tenant.id}/members`, root.token, { user_id: target.id, roles: ['admin'] })).status).toBe(201);

    const started = await start(rootWithOtp, { target_user_id: target.id, reason: 'ticket 42: cannot rename tenant' });
    expect(started.body).not.toHaveProperty('refresh_token');
    const claims = decodeJwt(started.body.access_token);
    expect(claims).toMatchObject({ sub: target.id, act: { sub: root.id }, sid: started.body.session_id });
    const token = started.body.access_token as string;
    await eventually(async () => ((await call('GET', `${tenancy.url}/v1/tenants/${tenant.id}`, token)).status === 200 ? true : undefined));
    expect((await call('PATCH', `${tenancy.url}/v1/tenants/${tenant.id}`, token, { name: `Renamed ${slug}` })).status).toBe(200);
    const [event] = await tenancy.runtime.orm.em.fork().execute<{ actor: Record<string, string> }[]>(
      "select payload->'data'->'actor' as actor from tenancy.outbox where payload->>'type' = 'portcullis.tenancy.tenant.updated' and payload->>'tenantid' = ?",
      [tenant.id],
    );
    expect(event.actor).toMatchObject({ user_id: target.id, impersonator_id: root.id });
    expect((await call('GET', id('/me'), token)).body).toMatchObject({ id: target.id, impersonator_id: root.id });

    // Ended with the impersonator's own token; the impersonation token stops working in every service.
    const ended = await call('POST', id('/impersonation/end'), rootWithOtp);
    expect(ended).toMatchObject({ status: 200, body: { session_id: started.body.session_id } });
    const endedAt = performance.now();
    for (const probe of [() => call('GET', `${tenancy.url}/v1/tenants/${tenant.id}`, token), () => call('GET', `${audit.url}/v1/events?limit=1`, token), () => call('GET', id('/me'), token)]) {
      await eventually(async () => ((await probe()).status === 401 ? true : undefined), 2000, 10);
    }
    expect(performance.now() - endedAt).toBeLessThan(1000);

    const history = await call('GET', id(`/impersonation/sessions/${started.body.session_id}`), root.token);
    expect(history.body).toMatchObject({ impersonator: { id: root.id, email: root.email }, target: { id: target.id, email: target.email }, reason: 'ticket 42: cannot rename tenant', active: false, end_reason: 'ended' });
    const seen = await call('GET', id('/me/impersonations'), target.token);
    expect(seen.body.items.map((s: { id: string; impersonator: { email: string } }) => [s.id, s.impersonator.email])).toContainEqual([started.body.session_id, root.email]);
    const types = await identity.runtime.orm.em.fork().execute<{ type: string }[]>(
      "select payload->>'type' as type from identity.outbox where payload->'data'->'target'->>'impersonation_session_id' = ?",
      [started.body.session_id],
    );
    expect(types.map((t) => t.type).sort()).toEqual(['portcullis.identity.impersonation.ended', 'portcullis.identity.impersonation.started']);
  });

  it('one open impersonation per impersonator: a new one ends the old', async () => {
    const [a, b] = await Promise.all([person(identity, 'a'), person(identity, 'b')]);
    const first = await start(rootWithOtp, { target_user_id: a.id, reason: 'first' });
    await start(rootWithOtp, { target_user_id: b.id, reason: 'second' });
    expect((await call('GET', id('/me'), first.body.access_token)).status).toBe(401);
    expect((await call('GET', id('/impersonation/sessions?active=true'), root.token)).body.items.filter((s: { impersonator: { id: string } }) => s.impersonator.id === root.id)).toHaveLength(1);
  });
});
