import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, startIdentity, startTenancy, type RunningIdentity, type RunningTenancy } from '../../../../test/support/harness.js';
import { person, type Person } from '../../../../test/support/people.js';

let identity: RunningIdentity;
let tenancy: RunningTenancy;
let root: Person;
let mailDir: string;
let slugCounter = 0;

const url = (path: string) => `${tenancy.url}/v1${path}`;
const slug = (label: string) => `${label}-${process.pid}-${Date.now().toString(36)}-${++slugCounter}`;

/** Waits until tenancy's own enforcer has caught up with every grant written so far (they are announced after commit). */
async function settled(): Promise<void> {
  const [{ version }] = await tenancy.runtime.orm.em.fork().execute<{ version: string }[]>('select version::text as version from authz.policy_version where id = 1');
  await eventually(async () => (tenancy.runtime.policy.version >= Number(version) ? true : undefined), 3000, 5);
}

async function newTenant(label = 'acme') {
  const s = slug(label);
  const res = await call('POST', url('/tenants'), root.token, { name: `Tenant ${s}`, slug: s });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string; slug: string };
}

async function addMember(tenantId: string, user: Person, roles: string[], by = root) {
  const res = await call('POST', url(`/tenants/${tenantId}/members`), by.token, { user_id: user.id, roles });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await settled();
  return res.body;
}

async function outboxEvents(type: string, tenantId: string) {
  return tenancy.runtime.orm.em.fork().execute<{ payload: { type: string; data: { changes?: unknown; actor: unknown } } }[]>(
    "select payload from tenancy.outbox where payload->>'type' = ? and payload->>'tenantid' = ? order by created_at",
    [type, tenantId],
  );
}

beforeAll(async () => {
  identity = await startIdentity();
  mailDir = mkdtempSync(join(tmpdir(), 'portcullis-mail-'));
  tenancy = await startTenancy(identity, { MAIL_OUTBOX_DIR: mailDir });
  root = await person(identity, 'root', ['platform_admin']);
  await settled();
});

afterAll(async () => {
  await tenancy?.close();
  await identity?.close();
});

describe('tenants', () => {
  it('are created by platform admins only, with unique name and slug and a valid slug', async () => {
    const s = slug('create');
    const created = await call('POST', url('/tenants'), root.token, { name: `Create ${s}`, slug: s, settings: { allow_public_shares: true } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: s, status: 'active', settings: { allow_public_shares: true } });
    expect((await call('POST', url('/tenants'), root.token, { name: `Other ${s}`, slug: s })).status).toBe(409);
    expect((await call('POST', url('/tenants'), root.token, { name: `create ${s}`.toUpperCase(), slug: slug('x') })).status).toBe(409);
    const bad = await call('POST', url('/tenants'), root.token, { name: 'Bad', slug: 'Not_A_Slug' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.slug');
    const someone = await person(identity, 'someone');
    expect((await call('POST', url('/tenants'), someone.token, { name: `S ${s}`, slug: slug('s') })).status).toBe(403);
    expect((await outboxEvents('portcullis.tenancy.tenant.created', created.body.id)).length).toBe(1);
  });

  it('are listed in full for platform admins and only their own for everyone else', async () => {
    const mine = await newTenant('mine');
    await newTenant('theirs');
    const alice = await person(identity, 'alice');
    await addMember(mine.id, alice, ['viewer']);
    const own = await call('GET', url('/tenants?page_size=100'), alice.token);
    expect(own.status).toBe(200);
    expect(own.body.items.map((t: { id: string }) => t.id)).toEqual([mine.id]);
    const all = await call('GET', url('/tenants?page_size=100&sort=created_at:desc'), root.token);
    expect(all.body.total).toBeGreaterThanOrEqual(2);
    expect(await call('GET', url('/tenants?sort=bogus:asc'), root.token)).toMatchObject({ status: 400 });
  });

  it('are readable by members, 404 for others, and updated by tenant admins but not members', async () => {
    const tenant = await newTenant('read');
    const [admin, member, stranger] = await Promise.all([person(identity, 'admin'), person(identity, 'member'), person(identity, 'stranger')]);
    await addMember(tenant.id, admin, ['admin']);
    await addMember(tenant.id, member, ['member']);
    expect((await call('GET', url(`/tenants/${tenant.id}`), member.token)).status).toBe(200);
    expect((await call('GET', url(`/tenants/${tenant.id}`), stranger.token)).status).toBe(404);
    expect((await call('PATCH', url(`/tenants/${tenant.id}`), member.token, { name: 'Renamed' })).status).toBe(403);
    expect((await call('PATCH', url(`/tenants/${tenant.id}`), stranger.token, { name: 'Renamed' })).status).toBe(404);
    const renamed = await call('PATCH', url(`/tenants/${tenant.id}`), admin.token, { name: `Renamed ${tenant.slug}`, settings: { allow_public_shares: true } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: `Renamed ${tenant.slug}`, settings: { allow_public_shares: true } });
    const [event] = await outboxEvents('portcullis.tenancy.tenant.updated', tenant.id);
    expect(event.payload.data.changes).toMatchObject({ before: { name: tenant.name }, after: { name: `Renamed ${tenant.slug}` } });
    expect((await call('GET', url('/tenants/00000000-0000-4000-8000-000000000000'), root.token)).status).toBe(404);
  });

  it('disabled: members lose access at once; purging needs the exact name and removes everything', async () => {
    const tenant = await newTenant('gone');
    const admin = await person(identity, 'admin');
    await addMember(tenant.id, admin, ['admin']);
    expect((await call('DELETE', url(`/tenants/${tenant.id}`), admin.token)).status).toBe(403);
    expect((await call('DELETE', url(`/tenants/${tenant.id}`), root.token)).status).toBe(204);
    await settled();
    expect(tenancy.runtime.policy.enforce(admin.id, `tenant:${tenant.id}`, 'tenant', 'read')).toBe(false);
    expect((await call('GET', url(`/tenants/${tenant.id}`), admin.token)).status).toBe(404);
    expect((await call('GET', url('/me/tenants'), admin.token)).body).toEqual([]);
    expect((await call('GET', url(`/tenants/${tenant.id}`), root.token)).body.status).toBe('disabled');
    expect((await call('DELETE', url(`/tenants/${tenant.id}?hard=true`), root.token)).status).toBe(400);
    expect((await call('DELETE', url(`/tenants/${tenant.id}?hard=true`), root.token, undefined, { 'x-confirm-name': 'wrong' })).status).toBe(400);
    expect((await call('DELETE', url(`/tenants/${tenant.id}?hard=true`), root.token, undefined, { 'x-confirm-name': tenant.name })).status).toBe(204);
    expect((await call('GET', url(`/tenants/${tenant.id}`), root.token)).status).toBe(404);
    expect((await outboxEvents('portcullis.tenancy.tenant.deleted', tenant.id)).length).toBe(1);
  });
});

describe('members', () => {
  it('are added with roles from the policy: 409 twice, 400 unknown role, 404 unknown user; grants follow', async () => {
    const tenant = await newTenant('members');
    const bob = await person(identity, 'bob');
    const added = await addMember(tenant.id, bob, ['member']);
    expect(added).toMatchObject({ user_id: bob.id, email: bob.email, roles: ['member'] });
    expect(tenancy.runtime.policy.enforce(bob.id, `tenant:${tenant.id}`, 'document', 'share')).toBe(true);
    expect((await call('POST', url(`/tenants/${tenant.id}/members`), root.token, { user_id: bob.id, roles: ['viewer'] })).status).toBe(409);
    const unknownRole = await call('POST', url(`/tenants/${tenant.id}/members`), root.token, { user_id: (await person(identity, 'x')).id, roles: ['owner'] });
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.body.detail).toContain('owner');
    const unknownUser = await call('POST', url(`/tenants/${tenant.id}/members`), root.token, { user_id: '00000000-0000-4000-8000-000000000001', roles: ['member'] });
    expect(unknownUser.status).toBe(404);
    const [event] = await outboxEvents('portcullis.tenancy.member.added', tenant.id);
    expect(event.payload.data.changes).toEqual({ before: null, after: { roles: ['member'] } });
  });

  it('are listed with search, role filter, sort and pages', async () => {
    const tenant = await newTenant('list');
    const people = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((l) => person(identity, l)));
    await addMember(tenant.id, people[0], ['admin']);
    for (const p of people.slice(1)) await addMember(tenant.id, p, p === people[3] ? ['viewer'] : ['member']);
    const page = await call('GET', url(`/tenants/${tenant.id}/members?page_size=2&sort=email:desc`), people[0].token);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ page: 1, page_size: 2, total: 4 });
    expect(page.body.items.map((m: { email: string }) => m.email)).toEqual([...people.map((p) => p.email)].sort().reverse().slice(0, 2));
    const viewers = await call('GET', url(`/tenants/${tenant.id}/members?filter[role]=viewer`), people[0].token);
    expect(viewers.body.items.map((m: { user_id: string }) => m.user_id)).toEqual([people[3].id]);
    const search = await call('GET', url(`/tenants/${tenant.id}/members?q=${encodeURIComponent(people[1].email.slice(0, 8))}`), people[0].token);
    expect(search.body.items.map((m: { user_id: string }) => m.user_id)).toContain(people[1].id);
    expect(search.body.items.length).toBe(1);
    // Over 100 is served as 100, not refused (the contract's page-size rule).
    const capped = await call('GET', url(`/tenants/${tenant.id}/members?page_size=101`), people[0].token);
    expect(capped.status).toBe(200);
    expect(capped.body.page_size).toBe(100);
  });

  it('keep at least one admin: the last admin can be neither demoted nor removed nor leave', async () => {
    const tenant = await newTenant('last');
    const [only, other] = await Promise.all([person(identity, 'only'), person(identity, 'other')]);
    await addMember(tenant.id, only, ['admin']);
    await addMember(tenant.id, other, ['member']);
    expect((await call('PUT', url(`/tenants/${tenant.id}/members/${only.id}/roles`), only.token, { roles: ['member'] })).status).toBe(409);
    expect((await call('DELETE', url(`/tenants/${tenant.id}/members/${only.id}`), root.token)).status).toBe(409);
    expect((await call('DELETE', url(`/tenants/${tenant.id}/members/me`), only.token)).status).toBe(409);
    const promoted = await call('PUT', url(`/tenants/${tenant.id}/members/${other.id}/roles`), only.token, { roles: ['admin', 'member'] });
    expect(promoted.status).toBe(200);
    await settled();
    expect((await call('DELETE', url(`/tenants/${tenant.id}/members/me`), only.token)).status).toBe(204);
    await settled();
    expect((await call('GET', url(`/tenants/${tenant.id}`), only.token)).status).toBe(404);
    const [changed] = await outboxEvents('portcullis.tenancy.member.roles_changed', tenant.id);
    expect(changed.payload.data.changes).toEqual({ before: { roles: ['member'] }, after: { roles: ['admin', 'member'] } });
  });

  it('two admins demoting each other at the same moment leave the tenant with one admin', async () => {
    for (let round = 0; round < 5; round++) {
      const tenant = await newTenant('race');
      const [a, b] = await Promise.all([person(identity, 'a'), person(identity, 'b')]);
      await addMember(tenant.id, a, ['admin']);
      await addMember(tenant.id, b, ['admin']);
      const results = await Promise.all([
        call('PUT', url(`/tenants/${tenant.id}/members/${b.id}/roles`), a.token, { roles: ['member'] }),
        call('PUT', url(`/tenants/${tenant.id}/members/${a.id}/roles`), b.token, { roles: ['member'] }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const admins = await call('GET', url(`/tenants/${tenant.id}/members?filter[role]=admin`), root.token);
      expect(admins.body.total).toBe(1);
    }
  });

  it("a member's own tenants and roles, and the roles the policy knows", async () => {
    const [t1, t2] = [await newTenant('me1'), await newTenant('me2')];
    const eve = await person(identity, 'eve');
    await addMember(t1.id, eve, ['admin']);
    await addMember(t2.id, eve, ['viewer', 'member']);
    const mine = await call('GET', url('/me/tenants'), eve.token);
    expect(mine.body.map((m: { tenant: { id: string }; roles: string[] }) => [m.tenant.id, m.roles])).toEqual([[t1.id, ['admin']], [t2.id, ['viewer', 'member']]]);
    const roles = await call('GET', url('/roles'), eve.token);
    const viewer = roles.body.items.find((r: { name: string }) => r.name === 'viewer');
    expect(viewer.domain).toBe('tenant');
    expect(viewer.permissions).toContainEqual({ object: 'document', action: 'read' });
    expect(viewer.permissions).not.toContainEqual({ object: 'document', action: 'share' });
    expect(roles.body.items.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['admin', 'member', 'viewer', 'platform_admin', 'auditor']));
  });
});

describe('audit events', () => {
  it('made with an impersonation token (RFC 8693 act claim) name the impersonator as well as the user', async () => {
    const tenant = await newTenant('imp');
    const [admin, newcomer] = await Promise.all([person(identity, 'admin'), person(identity, 'newcomer')]);
    await addMember(tenant.id, admin, ['admin']);
    // identity signs a token for `admin` acting under `root` (issue 5 adds the endpoint that issues these).
    const token = await identity.tokens.issueAccessToken({ userId: admin.id, sessionId: crypto.randomUUID(), authTime: new Date(), amr: ['pwd'], impersonatorId: root.id });
    expect((await call('POST', url(`/tenants/${tenant.id}/members`), token, { user_id: newcomer.id, roles: ['viewer'] })).status).toBe(201);
    const events = await outboxEvents('portcullis.tenancy.member.added', tenant.id);
    expect(events.at(-1)!.payload.data.actor).toMatchObject({ user_id: admin.id, impersonator_id: root.id });
  });
});

describe('invitations', () => {
  const latestMailTo = (email: string) => {
    const file = readdirSync(mailDir).filter((f) => f.includes(email)).sort().pop();
    return file ? readFileSync(join(mailDir, file), 'utf8') : undefined;
  };

  it('are accepted once, by the invited email, and replace a pending one to the same email', async () => {
    const tenant = await newTenant('invite');
    const [admin, invitee, other] = await Promise.all([person(identity, 'admin'), person(identity, 'invitee'), person(identity, 'other')]);
    await addMember(tenant.id, admin, ['admin']);
    const first = await call('POST', url(`/tenants/${tenant.id}/invitations`), admin.token, { email: invitee.email, roles: ['member'] });
    expect(first.status).toBe(201);
    expect(first.body.token.length).toBeGreaterThanOrEqual(43);
    expect(latestMailTo(invitee.email)).toContain('/invitations/accept?token=');
    const second = await call('POST', url(`/tenants/${tenant.id}/invitations`), admin.token, { email: invitee.email.toUpperCase(), roles: ['viewer'] });
    expect(second.status).toBe(201);
    expect((await call('POST', url('/invitations/accept'), invitee.token, { token: first.body.token })).status).toBe(410);
    expect((await call('POST', url('/invitations/accept'), other.token, { token: second.body.token })).status).toBe(403);
    const accepted = await call('POST', url('/invitations/accept'), invitee.token, { token: second.body.token });
    expect(accepted).toMatchObject({ status: 200, body: { tenant_id: tenant.id, roles: ['viewer'] } });
    expect((await call('POST', url('/invitations/accept'), invitee.token, { token: second.body.token })).status).toBe(410);
    await settled();
    expect((await call('GET', url(`/tenants/${tenant.id}`), invitee.token)).status).toBe(200);
    expect((await call('POST', url(`/tenants/${tenant.id}/invitations`), admin.token, { email: invitee.email, roles: ['member'] })).status).toBe(409);
    expect((await call('POST', url('/invitations/accept'), invitee.token, { token: 'x'.repeat(43) })).status).toBe(404);
  });

  it('are listed, resent with a new token, revoked, and refused once expired', async () => {
    const tenant = await newTenant('resend');
    const [admin, invitee] = await Promise.all([person(identity, 'admin'), person(identity, 'late')]);
    await addMember(tenant.id, admin, ['admin']);
    const invited = await call('POST', url(`/tenants/${tenant.id}/invitations`), admin.token, { email: invitee.email, roles: ['member'] });
    const pending = await call('GET', url(`/tenants/${tenant.id}/invitations?status=pending`), admin.token);
    expect(pending.body.items.map((i: { id: string }) => i.id)).toEqual([invited.body.id]);
    expect(pending.body.items[0]).not.toHaveProperty('token');
    const resent = await call('POST', url(`/tenants/${tenant.id}/invitations/${invited.body.id}/resend`), admin.token);
    expect(resent.status).toBe(200);
    expect(resent.body.token).not.toBe(invited.body.token);
    expect((await call('POST', url('/invitations/accept'), invitee.token, { token: invited.body.token })).status).toBe(404);
    expect((await call('DELETE', url(`/tenants/${tenant.id}/invitations/${invited.body.id}`), admin.token)).status).toBe(204);
    expect((await call('POST', url('/invitations/accept'), invitee.token, { token: resent.body.token })).status).toBe(410);
    // Expired: the same invitation, its expiry moved into the past.
    const again = await call('POST', url(`/tenants/${tenant.id}/invitations`), admin.token, { email: invitee.email, roles: ['member'] });
    await tenancy.runtime.orm.em.fork().execute("update tenancy.invitations set expires_at = now() - interval '1 second' where id = ?", [again.body.id]);
    expect((await call('POST', url('/invitations/accept'), invitee.token, { token: again.body.token })).status).toBe(410);
    const expired = await call('GET', url(`/tenants/${tenant.id}/invitations?status=expired`), admin.token);
    expect(expired.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([[again.body.id, 'expired']]);
  });
});
