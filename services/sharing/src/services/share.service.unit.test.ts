import { afterEach, describe, expect, it, vi } from 'vitest';
import { stopLinksOfStoppedTenant } from '../events/tenant-events.consumer.js';
import { DAY_MS, MAX_LIFETIME_MS, recordingLogger, sharingUnderTest } from './sharing-fakes.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Tenant A allows public links, B does not; alice is A's admin, bob and carol members, vera a viewer; mallory is B's admin. */
async function world() {
  const t = await sharingUnderTest();
  const a = t.tenants.add({ allowPublic: true });
  const b = t.tenants.add({ allowPublic: false });
  const [alice, bob, carol, vera, mallory] = await Promise.all([
    t.person({ [a.id]: ['admin'] }),
    t.person({ [a.id]: ['member'] }),
    t.person({ [a.id]: ['member'] }),
    t.person({ [a.id]: ['viewer'] }),
    t.person({ [b.id]: ['admin'] }),
  ]);
  return { ...t, a, b, alice, bob, carol, vera, mallory };
}

const page = { page: 1, pageSize: 100, sort: { field: 'created_at' as const, direction: 'asc' as const } };

describe('creating a link (unit, in memory)', () => {
  it("makes the link a rule in the policy, announced once it commits, and audits share.created with the link's terms", async () => {
    const { link, bob, a, uow, linkRulesOf, linkMay, eventsFor } = await world();
    const announced = uow.policy.announced.length;

    const { share, token } = await link(bob, a.id, { visibility: 'public', max_views: 10 });

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(share.tokenHash).not.toContain(token);
    expect(linkRulesOf(share.id)).toEqual([[`share:${share.id}`, `tenant:${a.id}`, `document:${share.resourceId}`, 'read', 'allow']]);
    expect(await linkMay(share.id, a.id, `document:${share.resourceId}`)).toBe(true);
    expect(await linkMay(share.id, a.id, 'document:another')).toBe(false);
    expect(uow.policy.announced.length - announced).toBe(1);
    expect(eventsFor('share.created', share.id).map((e) => e.data.changes?.after)).toEqual([
      { resource: `document:${share.resourceId}`, visibility: 'public', expires_at: null, max_views: 10, permissions: ['read'] },
    ]);
  });

  it('needs the share permission on the type, from the policy: viewers and unshareable types are 403, another tenant is 404', async () => {
    const { link, a, vera, bob, mallory, uow } = await world();

    await expect(link(vera, a.id)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(link(bob, a.id, { resource_type: 'invoice' })).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(link(mallory, a.id)).rejects.toMatchObject({ status: 404, code: 'not-found' });
    expect(uow.repos.shares.table.count()).toBe(0);
    expect(uow.policy.rules.size).toBe(0);
  });

  it('makes public links only where the tenant allows them (403 public-shares-disabled); tenant links are fine there', async () => {
    const { link, b, mallory, uow } = await world();

    await expect(link(mallory, b.id, { visibility: 'public' })).rejects.toMatchObject({ status: 403, code: 'public-shares-disabled' });
    expect(uow.repos.shares.table.count()).toBe(0);
    expect((await link(mallory, b.id, { visibility: 'tenant' })).share.visibility).toBe('tenant');
  });

  it('a tenant that tenancy reports disabled or unknown takes no links (404); tenancy not answering is 503 and writes nothing', async () => {
    const { link, a, bob, tenants, uow } = await world();
    tenants.unreachable = true;
    await expect(link(bob, a.id)).rejects.toMatchObject({ status: 503 });
    tenants.unreachable = false;
    tenants.tenants.get(a.id)!.status = 'disabled';
    await expect(link(bob, a.id)).rejects.toMatchObject({ status: 404 });
    tenants.tenants.delete(a.id);
    await expect(link(bob, a.id)).rejects.toMatchObject({ status: 404 });
    expect(uow.repos.shares.table.count()).toBe(0);
    expect(uow.events).toHaveLength(0);
  });

  it('expires_at must lie in the future and at most the maximum lifetime ahead, the boundary itself allowed (400 otherwise)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T12:00:00.000Z'));
    const { link, a, bob } = await world();
    const now = Date.now();

    for (const bad of [now - 1, now, now + MAX_LIFETIME_MS + 1]) {
      await expect(link(bob, a.id, { expires_at: new Date(bad) }), new Date(bad).toISOString()).rejects.toMatchObject({ status: 400, code: 'validation' });
    }
    expect((await link(bob, a.id, { expires_at: new Date(now + 1) })).share.expiresAt?.getTime()).toBe(now + 1);
    expect((await link(bob, a.id, { expires_at: new Date(now + MAX_LIFETIME_MS) })).share.expiresAt?.getTime()).toBe(now + 90 * DAY_MS);
  });
});

describe('revoking a link (unit, in memory)', () => {
  it('a revoked link is refused with 404, as if it never existed, and the refusal is audited as revoked', async () => {
    const { link, bob, a, shares, open, denials } = await world();
    const { share, token } = await link(bob, a.id, { visibility: 'public' });
    await open(token);

    await shares.revoke(a.id, share.id, bob.principal, bob.audit);

    await expect(open(token)).rejects.toMatchObject({ status: 404, code: 'not-found' });
    expect(denials(share.id)).toEqual(['revoked']);
    expect(await shares.get(a.id, share.id, bob.principal)).toMatchObject({ status: 'revoked', revokedBy: bob.id, revokedReason: 'revoked' });
  });

  it("removes the link's rule from the policy and announces it once the revocation commits: the link's subject may no longer read", async () => {
    const { link, bob, a, shares, uow, linkRulesOf, linkMay, eventsFor } = await world();
    const { share } = await link(bob, a.id);
    const resource = `document:${share.resourceId}`;
    const announced = uow.policy.announced.length;

    await shares.revoke(a.id, share.id, bob.principal, bob.audit);

    expect(linkRulesOf(share.id)).toEqual([]);
    expect(await linkMay(share.id, a.id, resource)).toBe(false);
    expect(uow.policy.announced.slice(announced)).toEqual([uow.policy.version]);
    expect(eventsFor('share.revoked', share.id).map((e) => [e.data.reason, e.data.changes])).toEqual([
      ['revoked', { before: { status: 'active' }, after: { status: 'revoked' } }],
    ]);
  });

  it('revoking twice is fine: the second time changes nothing, records nothing and announces nothing', async () => {
    const { link, bob, a, shares, uow, eventsFor } = await world();
    const { share } = await link(bob, a.id);
    await shares.revoke(a.id, share.id, bob.principal, bob.audit);
    const [events, announced, version] = [uow.events.length, uow.policy.announced.length, uow.policy.version];

    await shares.revoke(a.id, share.id, bob.principal, bob.audit);

    expect([uow.events.length, uow.policy.announced.length, uow.policy.version]).toEqual([events, announced, version]);
    expect(eventsFor('share.revoked', share.id)).toHaveLength(1);
  });

  it('ten concurrent revocations of one link: one share.revoked, one rule removal, one announcement', async () => {
    const { link, bob, alice, a, shares, uow, eventsFor } = await world();
    const { share } = await link(bob, a.id);
    const announced = uow.policy.announced.length;

    await Promise.all(Array.from({ length: 10 }, (_, i) => shares.revoke(a.id, share.id, (i % 2 ? bob : alice).principal, (i % 2 ? bob : alice).audit)));

    expect(eventsFor('share.revoked', share.id)).toHaveLength(1);
    expect(uow.policy.announced.length - announced).toBe(1);
  });

  it("members revoke their own links only (another member's is 404 and stays live); a tenant admin revokes anyone's", async () => {
    const { link, bob, carol, alice, a, shares, linkRulesOf } = await world();
    const { share } = await link(carol, a.id);

    await expect(shares.revoke(a.id, share.id, bob.principal, bob.audit)).rejects.toMatchObject({ status: 404 });
    expect(linkRulesOf(share.id)).toHaveLength(1);

    await shares.revoke(a.id, share.id, alice.principal, alice.audit);
    expect(await shares.get(a.id, share.id, carol.principal)).toMatchObject({ status: 'revoked', revokedBy: alice.id });
  });

  it("a disabled tenant's live links all stop, each with its own share.revoked, in one unit of work; other tenants' links stay", async () => {
    const { link, bob, mallory, alice, a, b, shares, tenants, uow, eventsFor, linkRulesOf } = await world();
    const ours = [await link(bob, a.id), await link(alice, a.id, { visibility: 'public' })];
    const already = await link(bob, a.id);
    await shares.revoke(a.id, already.share.id, bob.principal, bob.audit);
    const theirs = await link(mallory, b.id);
    tenants.tenants.get(a.id)!.status = 'disabled';
    const announced = uow.policy.announced.length;
    const event = { type: 'portcullis.tenancy.tenant.disabled', tenantid: a.id, data: { actor: { user_id: alice.id }, request_id: 'req-disable' } };

    const revoked = await stopLinksOfStoppedTenant(event as never, { shares, tenants, logger: recordingLogger() });

    expect(revoked).toBe(2);
    for (const { share } of ours) {
      expect(await shares.get(a.id, share.id, alice.principal)).toMatchObject({ status: 'revoked', revokedBy: null, revokedReason: 'tenant_disabled' });
      expect(linkRulesOf(share.id)).toEqual([]);
      expect(eventsFor('share.revoked', share.id).map((e) => e.data.reason)).toEqual(['tenant_disabled']);
    }
    expect(uow.policy.announced.length - announced).toBe(1);
    expect(linkRulesOf(theirs.share.id)).toHaveLength(1);
  });

  it('a tenant event that tenancy contradicts (the tenant is active) stops nothing', async () => {
    const { link, bob, a, shares, tenants, linkRulesOf } = await world();
    const { share } = await link(bob, a.id);
    const event = { type: 'portcullis.tenancy.tenant.deleted', tenantid: a.id, data: { actor: { user_id: null }, request_id: 'r' } };

    expect(await stopLinksOfStoppedTenant(event as never, { shares, tenants, logger: recordingLogger() })).toBeUndefined();
    expect(linkRulesOf(share.id)).toHaveLength(1);
  });
});

describe('who sees which link (unit, in memory)', () => {
  it("members list and read their own links; tenant admins every link of the tenant; others' links are 404 to members", async () => {
    const { link, bob, carol, alice, a, shares } = await world();
    const bobs = await link(bob, a.id);
    const carols = await link(carol, a.id);

    expect((await shares.list(a.id, bob.principal, page)).items.map((s) => s.id)).toEqual([bobs.share.id]);
    expect((await shares.list(a.id, alice.principal, page)).items.map((s) => s.id)).toEqual([bobs.share.id, carols.share.id]);
    await expect(shares.get(a.id, carols.share.id, bob.principal)).rejects.toMatchObject({ status: 404 });
    await expect(shares.views(a.id, carols.share.id, bob.principal, 1, 10)).rejects.toMatchObject({ status: 404 });
    expect((await shares.get(a.id, carols.share.id, alice.principal)).id).toBe(carols.share.id);
  });

  it("keeps tenants apart: another tenant's link is 404 by its id, under either tenant, to read, list, see views or revoke", async () => {
    const { link, bob, mallory, a, b, shares, linkRulesOf } = await world();
    const { share } = await link(bob, a.id);

    await expect(shares.get(b.id, share.id, mallory.principal)).rejects.toMatchObject({ status: 404, code: 'not-found' });
    await expect(shares.get(a.id, share.id, mallory.principal)).rejects.toMatchObject({ status: 404, code: 'not-found' });
    await expect(shares.views(b.id, share.id, mallory.principal, 1, 10)).rejects.toMatchObject({ status: 404 });
    await expect(shares.revoke(b.id, share.id, mallory.principal, mallory.audit)).rejects.toMatchObject({ status: 404 });
    await expect(shares.revoke(a.id, share.id, mallory.principal, mallory.audit)).rejects.toMatchObject({ status: 404 });
    expect((await shares.list(b.id, mallory.principal, page)).total).toBe(0);
    expect(linkRulesOf(share.id)).toHaveLength(1);
    expect((await shares.get(a.id, share.id, bob.principal)).status).toBe('active');
  });

  it('lists by status and resource type, sorted by views', async () => {
    const { link, open, bob, a, shares } = await world();
    const quiet = await link(bob, a.id, { visibility: 'public' });
    const busy = await link(bob, a.id, { visibility: 'public' });
    await open(busy.token);
    await open(busy.token);
    const gone = await link(bob, a.id);
    await shares.revoke(a.id, gone.share.id, bob.principal, bob.audit);

    const byViews = await shares.list(a.id, bob.principal, { ...page, status: 'active', sort: { field: 'view_count', direction: 'desc' } });
    expect(byViews.items.map((s) => s.id)).toEqual([busy.share.id, quiet.share.id]);
    expect((await shares.list(a.id, bob.principal, { ...page, status: 'revoked' })).items.map((s) => s.id)).toEqual([gone.share.id]);
    expect((await shares.list(a.id, bob.principal, { ...page, resourceType: 'folder' })).total).toBe(0);
  });
});
