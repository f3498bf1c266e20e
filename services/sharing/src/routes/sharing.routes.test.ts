import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  eventually,
  grantTokenEnv,
  startAudit,
  startAuthz,
  startIdentity,
  startSharing,
  startTenancy,
  type RunningAudit,
  type RunningAuthz,
  type RunningIdentity,
  type RunningSharing,
  type RunningTenancy,
} from '../../../../test/support/harness.js';
import { person, type Person } from '../../../../test/support/people.js';

let identity: RunningIdentity;
let tenancy: RunningTenancy;
let sharing: RunningSharing;
let authz: RunningAuthz;
// Owns the audit stream that carries tenancy's tenant events to sharing.
let audit: RunningAudit;
let root: Person;
let alice: Person; // admin of A
let bob: Person; // member of A
let carol: Person; // member of A
let vera: Person; // viewer of A
let mallory: Person; // member of B
let outsider: Person; // no tenant
let tenantA: string; // allows public links
let tenantB: string; // does not
let counter = 0;

const shares = (tenantId: string, rest = '') => `${sharing.url}/v1/tenants/${tenantId}/shares${rest}`;
const resolveUrl = (token: string) => `${sharing.url}/v1/s/${token}`;
const unique = (label: string) => `${label}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

async function policyVersion(): Promise<number> {
  const [{ version }] = await sharing.runtime.orm.em.fork().execute<{ version: string }[]>('select version::text as version from authz.policy_version where id = 1');
  return Number(version);
}

/** Waits until every service's enforcer has caught up with the policy changes written so far. */
async function settled(): Promise<void> {
  const version = await policyVersion();
  await eventually(async () => ([tenancy, sharing, authz].every((s) => s.runtime.policy.version >= version) ? true : undefined), 3000, 5);
}

async function newTenant(allowPublic: boolean): Promise<string> {
  const slug = unique('share');
  const res = await call('POST', `${tenancy.url}/v1/tenants`, root.token, { name: `Tenant ${slug}`, slug, settings: { allow_public_shares: allowPublic } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

async function addMember(tenantId: string, user: Person, roles: string[]): Promise<void> {
  const res = await call('POST', `${tenancy.url}/v1/tenants/${tenantId}/members`, root.token, { user_id: user.id, roles });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function createShare(by: Person, tenantId: string, body: Record<string, unknown> = {}) {
  const res = await call('POST', shares(tenantId), by.token, { resource_type: 'document', resource_id: unique('doc'), visibility: 'tenant', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await settled();
  return res.body as { id: string; token: string; url: string; resource_id: string; tenant_id: string };
}

async function outboxTypes(shareId: string): Promise<string[]> {
  const rows = await sharing.runtime.orm.em
    .fork()
    .execute<{ type: string }[]>("select payload->>'type' as type from sharing.outbox where payload->>'subject' like ? order by created_at, id", [`%share:${shareId}`]);
  return rows.map((r) => r.type);
}

async function check(token: string, tenantId: string, object: string) {
  const res = await call('POST', `${authz.url}/v1/check`, token, { tenant_id: tenantId, object, action: 'read' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.allowed as boolean;
}

beforeAll(async () => {
  identity = await startIdentity();
  audit = await startAudit(identity);
  tenancy = await startTenancy(identity);
  sharing = await startSharing(identity, { RESOLVE_RATE_LIMIT: '100000' });
  authz = await startAuthz(identity, grantTokenEnv(sharing));
  root = await person(identity, 'root', ['platform_admin']);
  [alice, bob, carol, vera, mallory, outsider] = await Promise.all(['alice', 'bob', 'carol', 'vera', 'mallory', 'outsider'].map((n) => person(identity, n)));
  tenantA = await newTenant(true);
  tenantB = await newTenant(false);
  await addMember(tenantA, alice, ['admin']);
  await addMember(tenantA, bob, ['member']);
  await addMember(tenantA, carol, ['member']);
  await addMember(tenantA, vera, ['viewer']);
  await addMember(tenantB, mallory, ['member']);
  await settled();
});

afterAll(async () => {
  await authz?.close();
  await audit?.close();
  await sharing?.close();
  await tenancy?.close();
  await identity?.close();
});

describe('creating a link', () => {
  it('gives a 256-bit token once, stores only its SHA-256, makes the link a policy rule and audits it', async () => {
    const share = await createShare(bob, tenantA, { name: 'Q3 plan', max_views: 10 });
    expect(share.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(share.url.endsWith(`/v1/s/${share.token}`)).toBe(true);
    const [row] = await sharing.runtime.orm.em.fork().execute<{ token_hash: string }[]>('select token_hash from sharing.shares where id = ?', [share.id]);
    expect(row.token_hash).toBe(createHash('sha256').update(share.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(share.token);
    expect(sharing.runtime.policy.pRules().some((rule) => rule[0] === `share:${share.id}`)).toBe(false);
    expect(sharing.runtime.policy.enforce(`share:${share.id}`, `tenant:${tenantA}`, `document:${share.resource_id}`, 'read')).toBe(true);
    expect(sharing.runtime.policy.enforce(`share:${share.id}`, `tenant:${tenantA}`, 'document:another', 'read')).toBe(false);
    const read = await call('GET', shares(tenantA, `/${share.id}`), bob.token);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: share.id, name: 'Q3 plan', visibility: 'tenant', status: 'active', max_views: 10, view_count: 0, created_by: bob.id });
    expect(read.body.token).toBeUndefined();
    expect(await outboxTypes(share.id)).toEqual(['portcullis.sharing.share.created']);
  });

  it('needs the share permission on the type in that tenant, from the policy', async () => {
    const body = { resource_type: 'document', resource_id: 'd1', visibility: 'tenant' };
    expect((await call('POST', shares(tenantA), vera.token, body)).status).toBe(403); // viewers never share
    expect((await call('POST', shares(tenantA), bob.token, { ...body, resource_type: 'invoice' })).status).toBe(403); // no rule shares invoices
    expect((await call('POST', shares(tenantA), mallory.token, body)).status).toBe(404); // another tenant's member
    expect((await call('POST', shares(tenantA), outsider.token, body)).status).toBe(404);
    expect((await call('POST', shares(tenantA), undefined, body)).status).toBe(401);
  });

  it('makes public links only where the tenant allows them', async () => {
    const refused = await call('POST', shares(tenantB), mallory.token, { resource_type: 'document', resource_id: 'd1', visibility: 'public' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    await createShare(bob, tenantA, { visibility: 'public' });
  });

  it('refuses bad input with 400: a past or too distant expiry, zero views, a malformed type', async () => {
    const base = { resource_type: 'document', resource_id: 'd1', visibility: 'tenant' };
    const inYears = new Date(Date.now() + 2 * 365 * 86_400_000).toISOString();
    for (const bad of [{ expires_at: new Date(Date.now() - 1000).toISOString() }, { expires_at: inYears }, { max_views: 0 }, { resource_type: 'Doc Type' }, { visibility: 'everyone' }, { expires_at: 'tomorrow' }]) {
      const res = await call('POST', shares(tenantA), bob.token, { ...base, ...bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
  });
});

describe('resolving a link', () => {
  it('answers a public link without sign-in: the resource and a grant token for it, never cached or referred', async () => {
    const share = await createShare(bob, tenantA, { visibility: 'public', expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    const res = await call('GET', resolveUrl(share.token), undefined, undefined, { 'user-agent': 'link-test/1' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ resource_type: 'document', resource_id: share.resource_id, tenant_id: tenantA, permissions: ['read'] });
    expect(decodeProtectedHeader(res.body.grant_token)).toMatchObject({ alg: 'EdDSA', typ: 'share+jwt' });
    const claims = decodeJwt(res.body.grant_token);
    expect(claims.sub).toBe(`share:${share.id}`);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(15 * 60);
    expect(new Date(res.body.expires_at).getTime()).toBe(claims.exp! * 1000);
    const views = await call('GET', shares(tenantA, `/${share.id}/views`), bob.token);
    expect(views.body).toMatchObject({ total: 1, page: 1 });
    expect(views.body.items[0]).toMatchObject({ viewer_user_id: null, anonymous: true, user_agent: 'link-test/1' });
    expect(views.body.items[0].ip).toBeTruthy();
    await eventually(async () => ((await outboxTypes(share.id)).includes('portcullis.sharing.share.accessed') ? true : undefined));
  });

  it('never lets a grant token outlive its link', async () => {
    const share = await createShare(bob, tenantA, { visibility: 'public', expires_at: new Date(Date.now() + 60_000).toISOString() });
    const res = await call('GET', resolveUrl(share.token));
    expect(decodeJwt(res.body.grant_token).exp! * 1000).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('answers 404 for an unknown or revoked link, 410 for an expired one or one out of views', async () => {
    expect((await call('GET', resolveUrl('too-short'))).status).toBe(404);
    const headers = (await call('GET', resolveUrl('A'.repeat(43)))).headers;
    expect((await call('GET', resolveUrl('A'.repeat(43)))).status).toBe(404);
    expect(headers.get('cache-control')).toBe('no-store');

    const revoked = await createShare(bob, tenantA, { visibility: 'public' });
    expect((await call('DELETE', shares(tenantA, `/${revoked.id}`), bob.token)).status).toBe(204);
    expect((await call('GET', resolveUrl(revoked.token))).status).toBe(404);

    const expired = await createShare(bob, tenantA, { visibility: 'public', expires_at: new Date(Date.now() + 60_000).toISOString() });
    // Time passes: move the expiry into the past rather than sleeping.
    await sharing.runtime.orm.em.fork().execute("update sharing.shares set expires_at = now() - interval '1 second' where id = ?", [expired.id]);
    expect((await call('GET', resolveUrl(expired.token))).status).toBe(410);

    const once = await createShare(bob, tenantA, { visibility: 'public', max_views: 1 });
    expect((await call('GET', resolveUrl(once.token))).status).toBe(200);
    const second = await call('GET', resolveUrl(once.token));
    expect(second.status).toBe(410);
    expect(second.body.status).toBe(410);
    expect((await call('GET', shares(tenantA, `/${once.id}`), bob.token)).body).toMatchObject({ status: 'exhausted', view_count: 1 });
    await eventually(async () => ((await outboxTypes(once.id)).includes('portcullis.sharing.share.denied') ? true : undefined));
  });

  it('asks a tenant link for sign-in (401), hides it from non-members (404) and logs the member who opened it', async () => {
    const share = await createShare(bob, tenantA);
    expect((await call('GET', resolveUrl(share.token))).status).toBe(401);
    expect((await call('GET', resolveUrl(share.token), mallory.token)).status).toBe(404);
    expect((await call('GET', resolveUrl(share.token), outsider.token)).status).toBe(404);
    expect((await call('GET', resolveUrl(share.token), 'not-a-token')).status).toBe(401);
    // A platform role sees every tenant but makes nobody a member: a platform admin who is not in the tenant gets 404 too.
    expect((await call('GET', resolveUrl(share.token), root.token)).status).toBe(404);
    const opened = await call('GET', resolveUrl(share.token), vera.token);
    expect(opened.status).toBe(200);
    const views = await call('GET', shares(tenantA, `/${share.id}/views`), bob.token);
    expect(views.body.total).toBe(1);
    expect(views.body.items[0]).toMatchObject({ viewer_user_id: vera.id, anonymous: false });
    const denied = await sharing.runtime.orm.em
      .fork()
      .execute<{ reason: string }[]>("select payload->'data'->>'reason' as reason from sharing.outbox where payload->>'subject' like ? and payload->>'type' like '%denied' order by created_at", [`%share:${share.id}`]);
    expect(denied.map((d) => d.reason)).toEqual(['sign_in_required', 'not_a_member', 'not_a_member', 'not_a_member']);
  });

  it('counts views exactly: max_views 5 hit by 50 parallel resolves lets exactly 5 through', async () => {
    const share = await createShare(bob, tenantA, { visibility: 'public', max_views: 5 });
    const statuses = await Promise.all(Array.from({ length: 50 }, () => call('GET', resolveUrl(share.token)).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 410)).toHaveLength(45);
    const [row] = await sharing.runtime.orm.em.fork().execute<{ view_count: number; views: string }[]>(
      'select view_count, (select count(*) from sharing.share_views v where v.share_id = s.id)::text as views from sharing.shares s where id = ?',
      [share.id],
    );
    expect(row).toEqual({ view_count: 5, views: '5' });
  });
});

describe('managing links', () => {
  it("shows members their own links and tenant admins everyone's; others' links are 404 to members", async () => {
    const bobs = await createShare(bob, tenantA);
    const carols = await createShare(carol, tenantA);
    const bobList = await call('GET', shares(tenantA, '?page_size=100'), bob.token);
    expect(bobList.status).toBe(200);
    expect(bobList.body.items.every((s: { created_by: string }) => s.created_by === bob.id)).toBe(true);
    expect(bobList.body.items.map((s: { id: string }) => s.id)).toContain(bobs.id);
    const adminList = await call('GET', shares(tenantA, '?page_size=100'), alice.token);
    expect(adminList.body.items.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([bobs.id, carols.id]));
    expect(adminList.body.total).toBeGreaterThan(bobList.body.total);
    expect((await call('GET', shares(tenantA, `/${carols.id}`), bob.token)).status).toBe(404);
    expect((await call('GET', shares(tenantA, `/${carols.id}/views`), bob.token)).status).toBe(404);
    expect((await call('DELETE', shares(tenantA, `/${carols.id}`), bob.token)).status).toBe(404);
    expect((await call('GET', shares(tenantA, `/${carols.id}`), alice.token)).status).toBe(200);
    expect((await call('DELETE', shares(tenantA, `/${carols.id}`), alice.token)).status).toBe(204);
    expect((await call('GET', shares(tenantA, `/${carols.id}`), carol.token)).body).toMatchObject({ status: 'revoked', revoked_reason: 'revoked' });
    expect((await call('GET', shares(tenantA, '?sort=nope:asc'), bob.token)).status).toBe(400);
  });

  it('keeps tenants apart: another tenant sees neither the list nor a link, even by its id', async () => {
    const share = await createShare(bob, tenantA);
    expect((await call('GET', shares(tenantA), mallory.token)).status).toBe(404);
    expect((await call('GET', shares(tenantA, `/${share.id}`), mallory.token)).status).toBe(404);
    expect((await call('GET', shares(tenantB, `/${share.id}`), mallory.token)).status).toBe(404);
    expect((await call('DELETE', shares(tenantB, `/${share.id}`), mallory.token)).status).toBe(404);
    expect((await call('GET', shares(tenantA, `/${share.id}`), bob.token)).status).toBe(200);
  });

  it('revoking a link removes its grant: authz refuses its grant token within a second', async () => {
    const share = await createShare(bob, tenantA, { visibility: 'public' });
    const { grant_token: grant } = (await call('GET', resolveUrl(share.token))).body;
    expect(await check(grant, tenantA, `document:${share.resource_id}`)).toBe(true);
    expect(await check(grant, tenantA, 'document:someone-else')).toBe(false);
    expect(await check(grant, tenantB, `document:${share.resource_id}`)).toBe(false);
    const started = Date.now();
    expect((await call('DELETE', shares(tenantA, `/${share.id}`), bob.token)).status).toBe(204);
    await eventually(async () => ((await check(grant, tenantA, `document:${share.resource_id}`)) ? undefined : true), 1000, 10);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await outboxTypes(share.id)).toEqual(expect.arrayContaining(['portcullis.sharing.share.created', 'portcullis.sharing.share.revoked']));
  });

  it("stops a tenant's links when the tenant is disabled", async () => {
    const tenant = await newTenant(true);
    await addMember(tenant, bob, ['member']);
    await settled();
    const share = await createShare(bob, tenant, { visibility: 'public' });
    const { grant_token: grant } = (await call('GET', resolveUrl(share.token))).body;
    expect((await call('DELETE', `${tenancy.url}/v1/tenants/${tenant}`, root.token)).status).toBe(204);
    await eventually(async () => ((await call('GET', resolveUrl(share.token))).status === 404 ? true : undefined), 10_000, 50);
    expect(await check(grant, tenant, `document:${share.resource_id}`)).toBe(false);
    const [row] = await sharing.runtime.orm.em.fork().execute<{ status: string; revoked_reason: string }[]>('select status, revoked_reason from sharing.shares where id = ?', [share.id]);
    expect(row).toEqual({ status: 'revoked', revoked_reason: 'tenant_disabled' });
  });
});

describe('resolve rate limit', () => {
  it('answers 429 with retry-after once a source address is over the limit', async () => {
    const limited = await startSharing(identity, { RESOLVE_RATE_LIMIT: '3', RESOLVE_RATE_WINDOW: '1m' });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await call('GET', `${limited.url}/v1/s/${'B'.repeat(43)}`));
      expect(statuses.map((r) => r.status)).toEqual([404, 404, 404, 429]);
      expect(Number(statuses[3].headers.get('retry-after'))).toBeGreaterThan(0);
      expect(statuses[3].headers.get('cache-control')).toBe('no-store');
    } finally {
      await limited.close();
    }
  });
});
