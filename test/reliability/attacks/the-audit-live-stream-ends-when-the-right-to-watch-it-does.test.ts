import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, startAudit, startIdentity, startTenancy, type RunningAudit, type RunningIdentity, type RunningTenancy } from '../../support/harness.js';
import { person, PERSON_PASSWORD, type Person } from '../../support/people.js';
import { AttackTally, recordAttack } from './support.js';

// Finding 4 (medium): an open GET /v1/events/stream kept delivering a tenant's new events after its viewer signed out
// (the list answered 401) or was demoted (403), until the token expired. Now the stream ends within a second.
const SUITE = 'the-audit-live-stream-ends-when-the-right-to-watch-it-does';

let identity: RunningIdentity;
let tenancy: RunningTenancy;
let audit: RunningAudit;
let root: Person;
let tenantId: string;
const tally = new AttackTally();
const endedAfter: number[] = [];
let passed = 0;

interface OpenStream {
  /** Resolves with the time the stream ended (and its last frame) once the server closes it. */
  ended: Promise<{ at: number; text: string }>;
  /** Events received so far. */
  received: () => string;
  abort: () => void;
}

async function openStream(token: string): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(`${audit.url}/v1/events/stream?tenant_id=${tenantId}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  let text = '';
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
    } catch {
      // aborted by the test
    }
    return { at: Date.now(), text };
  })();
  return { ended, received: () => text, abort: () => controller.abort() };
}

/** A tenant admin of their own, signed in afresh. */
async function tenantAdmin(label: string): Promise<{ who: Person; token: string }> {
  const who = await person(identity, label);
  const added = await call('POST', `${tenancy.url}/v1/tenants/${tenantId}/members`, root.token, { user_id: who.id, roles: ['admin'] });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  await eventually(async () => (audit.runtime.policy.enforce(who.id, `tenant:${tenantId}`, 'audit', 'read') ? true : undefined));
  return { who, token: who.token };
}

/** A change in the tenant, so the stream has a new event to (not) deliver. */
async function touchTenant(name: string): Promise<void> {
  expect((await call('PATCH', `${tenancy.url}/v1/tenants/${tenantId}`, root.token, { name })).status).toBe(200);
}

beforeAll(async () => {
  identity = await startIdentity();
  [tenancy, audit] = await Promise.all([startTenancy(identity, { MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'sse-mail-')) }), startAudit(identity)]);
  root = await person(identity, 'sse-root', ['platform_admin']);
  await eventually(async () => (tenancy.runtime.policy.enforce(root.id, 'platform', 'tenant', 'create') ? true : undefined));
  const slug = `sse-${Date.now().toString(36)}`;
  tenantId = (await call('POST', `${tenancy.url}/v1/tenants`, root.token, { name: `Stream ${slug}`, slug })).body.id;
}, 60_000);

afterAll(async () => {
  if (passed === 2) {
    recordAttack({
      suite: SUITE,
      title: 'Attack: an audit live stream that outlives the right to watch it',
      finding: 4,
      tried: tally.tried,
      gotIn: tally.gotIn,
      figures: [{ name: 'Stream ended after sign-out / demotion (ms)', value: endedAfter.join(', '), expected: '< 1000 each', ok: endedAfter.every((ms) => ms < 1000) }],
    });
  }
  await Promise.all([tenancy?.close(), audit?.close()]);
  await identity?.close();
});

describe("a tenant's audit live stream", () => {
  it('ends within a second of its viewer signing out, and delivers nothing after', async () => {
    const { token } = await tenantAdmin('sse-leaver');
    const stream = await openStream(token);
    await touchTenant(`Before sign-out ${Date.now()}`);
    await eventually(async () => (stream.received().includes('tenant.updated') ? true : undefined), 5000);
    const signedOut = Date.now();
    expect((await call('POST', `${identity.url}/v1/auth/logout`, token)).status).toBe(204);
    const { at, text } = await Promise.race([stream.ended, new Promise<{ at: number; text: string }>((resolve) => setTimeout(() => resolve({ at: Infinity, text: '' }), 3000))]);
    stream.abort();
    endedAfter.push(at - signedOut);
    expect(tally.attempt(at - signedOut < 1000), `ended after ${at - signedOut} ms`).toBe(true);
    expect(text).toContain('event: end');
    expect(text).toContain('session_ended');
    // The list says the same: the session is gone.
    expect(tally.attempt((await call('GET', `${audit.url}/v1/events?tenant_id=${tenantId}`, token)).status === 401)).toBe(true);
    passed++;
  });

  it('ends within a second of its viewer losing the right (demoted to member), and delivers nothing after', async () => {
    const { who, token } = await tenantAdmin('sse-demoted');
    const stream = await openStream(token);
    const demoted = Date.now();
    const changed = await call('PUT', `${tenancy.url}/v1/tenants/${tenantId}/members/${who.id}/roles`, root.token, { roles: ['member'] });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const { at } = await Promise.race([stream.ended, new Promise<{ at: number; text: string }>((resolve) => setTimeout(() => resolve({ at: Infinity, text: '' }), 3000))]);
    endedAfter.push(at - demoted);
    expect(tally.attempt(at - demoted < 1000), `ended after ${at - demoted} ms`).toBe(true);
    const secret = `After demotion ${Date.now()}`;
    await touchTenant(secret);
    await new Promise((resolve) => setTimeout(resolve, 700));
    stream.abort();
    expect(tally.attempt(!stream.received().includes(secret))).toBe(true);
    expect(tally.attempt((await call('GET', `${audit.url}/v1/events?tenant_id=${tenantId}`, token)).status === 403)).toBe(true);
    // Signing in again as a member gives no stream either.
    const relogin = await call('POST', `${identity.url}/v1/auth/login`, undefined, { email: who.email, password: PERSON_PASSWORD });
    expect(tally.attempt((await fetch(`${audit.url}/v1/events/stream?tenant_id=${tenantId}`, { headers: { authorization: `Bearer ${relogin.body.access_token}` } })).status === 403)).toBe(true);
    passed++;
  });
});
