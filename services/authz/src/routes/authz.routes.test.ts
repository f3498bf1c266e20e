import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changeGrant, postJson, readJson, startAuthz, startIdentity, uniqueEmail, type RunningAuthz, type RunningIdentity,
} from '../../../../test/support/harness.js';

let identity: RunningIdentity;
let authz: RunningAuthz;
const password = 'a long enough password';
const tenant = randomUUID();
const otherTenant = randomUUID();
const users: Record<'admin' | 'member' | 'viewer' | 'outsider' | 'platform', { id: string; token: string }> = {} as never;

async function makeUser(label: string) {
  const email = uniqueEmail(label);
  const user = await identity.users.create({ email, name: label, password }, { actor: { user_id: null }, request_id: 'test' });
  const tokens = await readJson(await postJson(`${identity.url}/v1/auth/login`, { email, password }));
  return { id: user.id, token: tokens.access_token as string };
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  identity = await startIdentity();
  authz = await startAuthz(identity);
  for (const label of ['admin', 'member', 'viewer', 'outsider', 'platform'] as const) users[label] = await makeUser(label);
  const waitFor = [identity.runtime, authz.runtime];
  await changeGrant('add', identity.runtime, { subject: users.admin.id, role: 'admin', domain: `tenant:${tenant}` }, waitFor);
  await changeGrant('add', identity.runtime, { subject: users.member.id, role: 'member', domain: `tenant:${tenant}` }, waitFor);
  await changeGrant('add', identity.runtime, { subject: users.viewer.id, role: 'viewer', domain: `tenant:${tenant}` }, waitFor);
  await changeGrant('add', identity.runtime, { subject: users.outsider.id, role: 'admin', domain: `tenant:${otherTenant}` }, waitFor);
  await changeGrant('add', identity.runtime, { subject: users.platform.id, role: 'platform_admin', domain: 'platform' }, waitFor);
});
afterAll(async () => {
  await authz?.close();
  await identity?.close();
});

describe('POST /v1/check', () => {
  it('answers for the caller, with the matched rule and the role that carried it', async () => {
    const response = await postJson(`${authz.url}/v1/check`, { tenant_id: tenant, object: 'members', action: 'create' }, auth(users.admin.token));
    expect(response.status).toBe(200);
    expect(await readJson(response)).toEqual({
      allowed: true,
      reason: { matched_policy: ['admin', 'tenant:*', 'members', 'create', 'allow'], via_roles: [`admin@tenant:${tenant}`] },
    });
  });

  it('denies across tenants and reports the deny rule that overrides an allow', async () => {
    const outsider = await readJson(await postJson(`${authz.url}/v1/check`, { tenant_id: tenant, object: 'tenant', action: 'read' }, auth(users.outsider.token)));
    expect(outsider.allowed).toBe(false);
    const viewer = await readJson(await postJson(`${authz.url}/v1/check`, { tenant_id: tenant, object: 'document:7', action: 'share' }, auth(users.viewer.token)));
    expect(viewer).toMatchObject({ allowed: false, reason: { matched_policy: ['viewer', 'tenant:*', 'document', 'share', 'deny'] } });
  });

  it('lets only a platform admin ask about another subject', async () => {
    const body = { subject: users.member.id, tenant_id: tenant, object: 'document', action: 'share' };
    expect((await postJson(`${authz.url}/v1/check`, body, auth(users.admin.token))).status).toBe(403);
    const asked = await postJson(`${authz.url}/v1/check`, body, auth(users.platform.token));
    expect(asked.status).toBe(200);
    expect((await readJson(asked)).allowed).toBe(true);
  });

  it('refuses to answer for a subject spelled like a role (400 naming it), where Casbin alone would say yes', async () => {
    const response = await postJson(`${authz.url}/v1/check`, { subject: 'admin', tenant_id: tenant, object: 'members', action: 'create' }, auth(users.platform.token));
    expect(response.status).toBe(400);
    const problem = await readJson(response);
    expect(problem).toMatchObject({ type: expect.stringMatching(/problems\/validation$/), errors: [{ path: 'body.subject', message: 'is a role name' }] });
    expect(problem.detail).toMatch(/"admin" is the name of a role/);
  });

  it('refuses a missing token (401) and bad input (400)', async () => {
    expect((await postJson(`${authz.url}/v1/check`, { object: 'tenant', action: 'read' })).status).toBe(401);
    expect((await postJson(`${authz.url}/v1/check`, { tenant_id: 'nope', object: 'tenant' }, auth(users.admin.token))).status).toBe(400);
  });

  it('answers a batch in order', async () => {
    const checks = [
      { tenant_id: tenant, object: 'tenant', action: 'read' },
      { tenant_id: otherTenant, object: 'tenant', action: 'read' },
      { object: 'users', action: 'read' },
    ];
    const { results } = await readJson(await postJson(`${authz.url}/v1/check/batch`, { checks }, auth(users.member.token)));
    expect(results.map((r: { allowed: boolean }) => r.allowed)).toEqual([true, false, false]);
    const tooMany = await postJson(`${authz.url}/v1/check/batch`, { checks: Array(101).fill(checks[0]) }, auth(users.member.token));
    expect(tooMany.status).toBe(400);
  });
});

describe('GET /v1/forward-auth', () => {
  const forward = (method: string, uri: string, token?: string, style: 'original' | 'forwarded' = 'original') =>
    fetch(`${authz.url}/v1/forward-auth`, {
      headers: { [`x-${style}-method`]: method, [`x-${style}-uri`]: uri, ...(token ? auth(token) : {}) },
    });

  it('passes public routes without a token', async () => {
    expect((await forward('POST', '/identity/v1/auth/login')).status).toBe(200);
    expect((await forward('GET', '/sharing/v1/s/abc123')).status).toBe(200);
    expect((await forward('GET', '/identity/.well-known/jwks.json')).status).toBe(200);
  });

  it('allows a tenant admin in their tenant and says who the caller is', async () => {
    const response = await forward('POST', `/tenancy/v1/tenants/${tenant}/members?x=1`, users.admin.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auth-user-id')).toBe(users.admin.id);
    expect(response.headers.get('x-auth-tenant-id')).toBe(tenant);
    expect(response.headers.get('x-auth-impersonator-id')).toBeNull();
  });

  it('reads the original call only from the headers its gateway sets (nginx: x-original-*), never the other pair', async () => {
    // Behind nginx, a client's own x-forwarded-uri reaches authz untouched: it must not be what is judged.
    expect((await forward('GET', `/tenancy/v1/tenants/${tenant}`, users.viewer.token, 'forwarded')).status).toBe(400);
    const traefik = await startAuthz(identity, { GATEWAY: 'traefik' });
    try {
      const asTraefik = (headers: Record<string, string>) => fetch(`${traefik.url}/v1/forward-auth`, { headers: { ...headers, ...auth(users.viewer.token) } });
      expect((await asTraefik({ 'x-forwarded-method': 'GET', 'x-forwarded-uri': `/tenancy/v1/tenants/${tenant}` })).status).toBe(200);
      // Behind Traefik a client can send x-original-*: ignored, the x-forwarded-* Traefik sets is what counts.
      const chosen = await asTraefik({ 'x-original-method': 'GET', 'x-original-uri': '/identity/v1/auth/login', 'x-forwarded-method': 'DELETE', 'x-forwarded-uri': `/tenancy/v1/tenants/${tenant}` });
      expect(chosen.status).toBe(403);
      // Traefik passes forward-auth's status through: another tenant is 404 there as well.
      expect((await asTraefik({ 'x-forwarded-method': 'GET', 'x-forwarded-uri': `/tenancy/v1/tenants/${otherTenant}` })).status).toBe(404);
    } finally {
      await traefik.close();
    }
  });

  it('denies with 403 (a member managing members, an unlisted route) and says 404 for a tenant the caller cannot see', async () => {
    expect((await forward('POST', `/tenancy/v1/tenants/${tenant}/members`, users.member.token)).status).toBe(403);
    expect((await forward('DELETE', '/identity/v1/everything', users.platform.token)).status).toBe(403);
    // nginx's auth_request passes only 401/403 on: "not found" is a 403 marked x-auth-status 404, which the gateway answers as 404.
    const outsider = await forward('GET', `/tenancy/v1/tenants/${tenant}`, users.outsider.token);
    expect(outsider.status).toBe(403);
    expect(outsider.headers.get('x-auth-status')).toBe('404');
  });

  it('answers 401 without a token or with a bad one on a protected route', async () => {
    expect((await forward('GET', `/tenancy/v1/tenants/${tenant}`)).status).toBe(401);
    expect((await forward('GET', `/tenancy/v1/tenants/${tenant}`, 'not.a.token')).status).toBe(401);
  });

  it('lets any signed-in user through self-service routes', async () => {
    const response = await forward('GET', '/identity/v1/me', users.outsider.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auth-tenant-id')).toBeNull();
  });

  it('needs the original method and uri', async () => {
    expect((await fetch(`${authz.url}/v1/forward-auth`)).status).toBe(400);
  });
});

describe('who can', () => {
  it('lists a user\'s permissions in a tenant', async () => {
    const { items } = await readJson(await fetch(`${authz.url}/v1/subjects/${users.viewer.id}/permissions?tenant_id=${tenant}`, { headers: auth(users.viewer.token) }));
    expect(items).toContainEqual({ object: 'document', action: 'read' });
    expect(items).not.toContainEqual({ object: 'document', action: 'share' });
  });

  it('lists who may manage members of a tenant, to its admins only', async () => {
    const response = await fetch(`${authz.url}/v1/tenants/${tenant}/subjects?object=members&action=create`, { headers: auth(users.admin.token) });
    expect(response.status).toBe(200);
    const subjects = (await readJson(response)).items.map((i: { subject: string }) => i.subject);
    expect(subjects).toContain(users.admin.id);
    expect(subjects).toContain(users.platform.id);
    expect(subjects).not.toContain(users.member.id);
    expect((await fetch(`${authz.url}/v1/tenants/${tenant}/subjects?object=members&action=create`, { headers: auth(users.outsider.token) })).status).toBe(404);
  });
});
