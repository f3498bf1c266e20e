import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, startIdentity, startTenancy, type RunningIdentity, type RunningTenancy } from './support/harness.js';
import { person, type Person } from './support/people.js';

/**
 * Tenant isolation, route by route: every tenancy route on tenant A, called by each kind of caller, answers the status
 * in this table. Members of another tenant and strangers get 404 for everything in A, exactly like a missing tenant.
 */
type Actor = 'platform_admin' | 'admin' | 'member' | 'viewer' | 'other_tenant_admin' | 'stranger' | 'anonymous';
const ACTORS: Actor[] = ['platform_admin', 'admin', 'member', 'viewer', 'other_tenant_admin', 'stranger', 'anonymous'];

interface Fixture {
  tenant: { id: string; name: string };
  target: Person;
  invitationId: string;
  newcomer: Person;
}

interface Route {
  name: string;
  /** Whether it changes the tenant: then every row gets a fresh tenant. */
  mutates: boolean;
  request: (f: Fixture) => { method: string; path: string; body?: unknown; headers?: Record<string, string> };
  expected: Record<Actor, number>;
}

const outsiders = { other_tenant_admin: 404, stranger: 404, anonymous: 401 } as const;
const adminsOnly = (ok: number) => ({ platform_admin: ok, admin: ok, member: 403, viewer: 403, ...outsiders });
const everyMember = (ok: number) => ({ platform_admin: ok, admin: ok, member: ok, viewer: ok, ...outsiders });

const ROUTES: Route[] = [
  { name: 'GET tenant', mutates: false, request: (f) => ({ method: 'GET', path: `/tenants/${f.tenant.id}` }), expected: everyMember(200) },
  { name: 'PATCH tenant', mutates: true, request: (f) => ({ method: 'PATCH', path: `/tenants/${f.tenant.id}`, body: { settings: { allow_public_shares: true } } }), expected: adminsOnly(200) },
  {
    name: 'DELETE tenant (disable)',
    mutates: true,
    request: (f) => ({ method: 'DELETE', path: `/tenants/${f.tenant.id}` }),
    expected: { platform_admin: 204, admin: 403, member: 403, viewer: 403, ...outsiders },
  },
  {
    name: 'DELETE tenant (purge)',
    mutates: true,
    request: (f) => ({ method: 'DELETE', path: `/tenants/${f.tenant.id}?hard=true`, headers: { 'x-confirm-name': f.tenant.name } }),
    expected: { platform_admin: 204, admin: 403, member: 403, viewer: 403, ...outsiders },
  },
  // The member list is for the tenant's admins and platform admins (CONTRACT.md).
  { name: 'GET members', mutates: false, request: (f) => ({ method: 'GET', path: `/tenants/${f.tenant.id}/members` }), expected: adminsOnly(200) },
  {
    name: 'POST member',
    mutates: true,
    request: (f) => ({ method: 'POST', path: `/tenants/${f.tenant.id}/members`, body: { user_id: f.newcomer.id, roles: ['viewer'] } }),
    expected: adminsOnly(201),
  },
  {
    name: 'PUT member roles',
    mutates: true,
    request: (f) => ({ method: 'PUT', path: `/tenants/${f.tenant.id}/members/${f.target.id}/roles`, body: { roles: ['viewer'] } }),
    expected: adminsOnly(200),
  },
  { name: 'DELETE member', mutates: true, request: (f) => ({ method: 'DELETE', path: `/tenants/${f.tenant.id}/members/${f.target.id}` }), expected: adminsOnly(204) },
  {
    name: 'DELETE member me (leave)',
    mutates: true,
    request: (f) => ({ method: 'DELETE', path: `/tenants/${f.tenant.id}/members/me` }),
    // A platform admin sees every tenant but is no member of this one.
    expected: { platform_admin: 404, admin: 204, member: 204, viewer: 204, ...outsiders },
  },
  { name: 'GET invitations', mutates: false, request: (f) => ({ method: 'GET', path: `/tenants/${f.tenant.id}/invitations` }), expected: adminsOnly(200) },
  {
    name: 'POST invitation',
    mutates: true,
    request: (f) => ({ method: 'POST', path: `/tenants/${f.tenant.id}/invitations`, body: { email: f.newcomer.email, roles: ['member'] } }),
    expected: adminsOnly(201),
  },
  {
    name: 'POST invitation resend',
    mutates: true,
    request: (f) => ({ method: 'POST', path: `/tenants/${f.tenant.id}/invitations/${f.invitationId}/resend` }),
    expected: adminsOnly(200),
  },
  { name: 'DELETE invitation', mutates: true, request: (f) => ({ method: 'DELETE', path: `/tenants/${f.tenant.id}/invitations/${f.invitationId}` }), expected: adminsOnly(204) },
  // Routes outside a tenant.
  { name: 'GET tenants', mutates: false, request: () => ({ method: 'GET', path: '/tenants' }), expected: { ...everyMember(200), other_tenant_admin: 200, stranger: 200, anonymous: 401 } },
  { name: 'GET me/tenants', mutates: false, request: () => ({ method: 'GET', path: '/me/tenants' }), expected: { ...everyMember(200), other_tenant_admin: 200, stranger: 200, anonymous: 401 } },
  { name: 'GET roles', mutates: false, request: () => ({ method: 'GET', path: '/roles' }), expected: { ...everyMember(200), other_tenant_admin: 200, stranger: 200, anonymous: 401 } },
  {
    name: 'POST tenant',
    mutates: true,
    request: (f) => ({ method: 'POST', path: '/tenants', body: { name: `New ${f.tenant.id}`, slug: `n-${f.tenant.id.slice(-12)}` } }),
    expected: { platform_admin: 201, admin: 403, member: 403, viewer: 403, other_tenant_admin: 403, stranger: 403, anonymous: 401 },
  },
];

let identity: RunningIdentity;
let tenancy: RunningTenancy;
const people = {} as Record<Exclude<Actor, 'anonymous'> | 'second_admin', Person>;
let shared: Fixture;
let counter = 0;

async function settled(): Promise<void> {
  const [{ version }] = await tenancy.runtime.orm.em.fork().execute<{ version: string }[]>('select version::text as version from authz.policy_version where id = 1');
  await eventually(async () => (tenancy.runtime.policy.version >= Number(version) ? true : undefined), 3000, 5);
}

/** Tenant A with an admin, a second admin, a member, a viewer, a target member and a pending invitation. */
async function fixture(): Promise<Fixture> {
  const audit = { actor: { user_id: people.platform_admin.id }, request_id: 'fixture' };
  const slug = `iso-${process.pid}-${Date.now().toString(36)}-${++counter}`;
  const tenant = await tenancy.tenants.create({ name: `Isolation ${slug}`, slug }, audit);
  const target = await person(identity, 'target');
  const newcomer = await person(identity, 'newcomer');
  for (const [who, role] of [[people.admin, 'admin'], [people.second_admin, 'admin'], [people.member, 'member'], [people.viewer, 'viewer'], [target, 'member']] as const) {
    await tenancy.members.add(tenant.id, { user_id: who.id, roles: [role] }, audit);
  }
  const { invitation } = await tenancy.invitations.create(tenant.id, { email: `invited-${slug}@example.test`, roles: ['member'] }, audit);
  await settled();
  return { tenant, target, invitationId: invitation.id, newcomer };
}

beforeAll(async () => {
  identity = await startIdentity();
  tenancy = await startTenancy(identity, { MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'portcullis-mail-')) });
  people.platform_admin = await person(identity, 'pa', ['platform_admin']);
  for (const actor of ['admin', 'second_admin', 'member', 'viewer', 'other_tenant_admin', 'stranger'] as const) people[actor] = await person(identity, actor);
  await settled();
  const other = await tenancy.tenants.create({ name: `Other ${Date.now()}`, slug: `other-${process.pid}-${Date.now().toString(36)}` }, { actor: { user_id: null }, request_id: 'fixture' });
  await tenancy.members.add(other.id, { user_id: people.other_tenant_admin.id, roles: ['admin'] }, { actor: { user_id: null }, request_id: 'fixture' });
  shared = await fixture();
}, 60_000);

afterAll(async () => {
  await tenancy?.close();
  await identity?.close();
});

describe.each(ROUTES)('$name', (route) => {
  it.each(ACTORS)('as %s', async (actor) => {
    const f = route.mutates ? await fixture() : shared;
    const { method, path, body, headers } = route.request(f);
    const token = actor === 'anonymous' ? undefined : people[actor].token;
    const res = await call(method, `${tenancy.url}/v1${path}`, token, body, headers);
    expect({ actor, status: res.status, detail: res.status >= 400 ? res.body?.detail : undefined }).toMatchObject({ actor, status: route.expected[actor] });
  });
});
