import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sharingUnderTest } from './sharing-fakes.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A tenant that allows public links, with a member who shares documents. */
async function world() {
  const t = await sharingUnderTest();
  const tenant = t.tenants.add({ allowPublic: true });
  const bob = await t.person({ [tenant.id]: ['member'] });
  return { ...t, tenant, bob };
}

describe('view limits (unit, in memory)', () => {
  it('a link allowing three views opens three times, then answers 410 gone and audits view_limit_reached', async () => {
    const { link, open, bob, tenant, shares, eventsFor, denials } = await world();
    const { share, token } = await link(bob, tenant.id, { visibility: 'public', max_views: 3 });

    const left = [];
    for (let i = 0; i < 3; i++) left.push((await open(token)).views_left);
    expect(left).toEqual([2, 1, 0]);

    await expect(open(token)).rejects.toMatchObject({ status: 410, code: 'gone' });
    expect((await shares.get(tenant.id, share.id, bob.principal)).viewCount).toBe(3);
    expect((await shares.views(tenant.id, share.id, bob.principal, 1, 10)).total).toBe(3);
    expect(eventsFor('share.accessed', share.id)).toHaveLength(3);
    expect(denials(share.id)).toEqual(['view_limit_reached']);
  });

  it('fifty resolves at once of a link with five views: exactly five succeed, and the count, the view log and the audit trail agree', async () => {
    const { link, open, bob, tenant, shares, eventsFor, denials, uow } = await world();
    const { share, token } = await link(bob, tenant.id, { visibility: 'public', max_views: 5 });

    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => open(token)));

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as { status: number; code: string });
    expect(refusals).toHaveLength(45);
    expect(refusals.every((r) => r.status === 410 && r.code === 'gone')).toBe(true);
    expect(uow.repos.shares.table.get(share.id)?.viewCount).toBe(5);
    expect((await shares.views(tenant.id, share.id, bob.principal, 1, 100)).total).toBe(5);
    expect(eventsFor('share.accessed', share.id)).toHaveLength(5);
    expect(denials(share.id)).toEqual(Array(45).fill('view_limit_reached'));
  });

  it('two sharing instances, each with its own cache of the public link, still let through exactly max_views between them', async () => {
    const { link, open, instance, bob, tenant, uow } = await world();
    const { share, token } = await link(bob, tenant.id, { visibility: 'public', max_views: 4 });
    const [east, west] = [instance(), instance()];
    // Both have the link cached (one view each), then race for the rest.
    await open(token, undefined, east);
    await open(token, undefined, west);

    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => open(token, undefined, i % 2 ? east : west)));

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    expect(uow.repos.shares.table.get(share.id)?.viewCount).toBe(4);
  });

  it('a refused view writes nothing: no count, no view log row, no share.accessed, and the relay is not woken for it', async () => {
    const { link, open, bob, tenant, uow, eventsFor } = await world();
    const { share, token } = await link(bob, tenant.id, { visibility: 'public', max_views: 1 });
    await open(token);
    const wakes = uow.relayWakes;

    await expect(open(token)).rejects.toMatchObject({ status: 410 });

    expect(uow.repos.shares.table.get(share.id)?.viewCount).toBe(1);
    expect(uow.repos.views.table.count((v) => v.shareId === share.id)).toBe(1);
    expect(eventsFor('share.accessed', share.id)).toHaveLength(1);
    // One wake: the share.denied record, nothing for the count that did not happen.
    expect(uow.relayWakes - wakes).toBe(1);
  });
});

describe('expiry (unit, in memory)', () => {
  it('an expired link is refused with 410 gone, audited as expired, and counts no view', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { link, open, bob, tenant, uow, denials } = await world();
    const { share, token } = await link(bob, tenant.id, { visibility: 'public', expires_at: new Date(Date.now() + 3_600_000) });

    vi.setSystemTime(Date.now() + 2 * 3_600_000);

    await expect(open(token)).rejects.toMatchObject({ status: 410, code: 'gone' });
    expect(denials(share.id)).toEqual(['expired']);
    expect(uow.repos.shares.table.get(share.id)?.viewCount).toBe(0);
  });

  it('a link stops at its expiry instant exactly: a millisecond before it opens, at the instant it is gone, even from the cache', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T12:00:00.000Z'));
    const { link, open, bob, tenant } = await world();
    const expiresAt = new Date('2026-12-01T13:00:00.000Z');
    const { token } = await link(bob, tenant.id, { visibility: 'public', expires_at: expiresAt });

    vi.setSystemTime(expiresAt.getTime() - 1);
    const last = await open(token);
    expect(last.link_expires_at).toBe(expiresAt.toISOString());

    vi.setSystemTime(expiresAt);
    await expect(open(token)).rejects.toMatchObject({ status: 410, code: 'gone' });
  });

  it('a link that expires while its views are being counted is refused as expired, not as out of views', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { link, open, bob, tenant, uow, denials } = await world();
    const expiresAt = new Date(Date.now() + 60_000);
    const { share, token } = await link(bob, tenant.id, { visibility: 'public', expires_at: expiresAt, max_views: 10 });
    // The count statement is where the clock has moved on past the expiry; the resolver's own check ran before.
    const count = uow.repos.shares.countView.bind(uow.repos.shares);
    vi.spyOn(uow.repos.shares, 'countView').mockImplementationOnce((id, counted) => {
      vi.setSystemTime(expiresAt);
      return count(id, counted);
    });

    await expect(open(token)).rejects.toMatchObject({ status: 410 });
    expect(denials(share.id)).toEqual(['expired']);
  });

  it("never lets a grant token outlive its link: a minute before the link's expiry the token lasts a minute, not fifteen", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { link, open, bob, tenant } = await world();
    const expiresAt = new Date(Math.ceil((Date.now() + 3_600_000) / 1000) * 1000);
    const { token } = await link(bob, tenant.id, { visibility: 'public', expires_at: expiresAt });
    vi.setSystemTime(expiresAt.getTime() - 60_000);

    const resolved = await open(token);

    expect(decodeJwt(resolved.grant_token).exp! * 1000).toBe(expiresAt.getTime());
    expect(resolved.expires_at).toBe(expiresAt.toISOString());
  });
});

describe('who may open a link (unit, in memory)', () => {
  it('a public link opens without sign-in and logs an anonymous view with the address and user agent', async () => {
    const { link, open, bob, tenant, shares } = await world();
    const { share, token } = await link(bob, tenant.id, { visibility: 'public' });

    const resolved = await open(token);

    expect(resolved).toMatchObject({ tenant_id: tenant.id, resource_type: 'document', resource_id: share.resourceId, permissions: ['read'], views_left: null });
    expect(decodeJwt(resolved.grant_token).sub).toBe(`share:${share.id}`);
    const views = await shares.views(tenant.id, share.id, bob.principal, 1, 10);
    expect(views.items).toEqual([expect.objectContaining({ viewerUserId: null, ip: '203.0.113.7', userAgent: 'unit-test/1' })]);
  });

  it('a tenant link asks for sign-in (401), is 404 to non-members and to a platform admin outside the tenant, and logs the member who opened it', async () => {
    const { link, open, person, bob, tenant, shares, tenants, denials } = await world();
    const { share, token } = await link(bob, tenant.id, { visibility: 'tenant' });
    const other = tenants.add();
    const mallory = await person({ [other.id]: ['admin'] });
    const root = await person({ platform: ['platform_admin'] });
    const vera = await person({ [tenant.id]: ['viewer'] });

    await expect(open(token)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(open(token, 'not-a-token')).rejects.toMatchObject({ status: 401 });
    await expect(open(token, mallory.token)).rejects.toMatchObject({ status: 404, code: 'not-found' });
    await expect(open(token, root.token)).rejects.toMatchObject({ status: 404, code: 'not-found' });
    await open(token, vera.token);

    const views = await shares.views(tenant.id, share.id, bob.principal, 1, 10);
    expect(views.items.map((v) => v.viewerUserId)).toEqual([vera.id]);
    expect(denials(share.id)).toEqual(['sign_in_required', 'not_a_member', 'not_a_member']);
  });

  it('an unknown token is 404 and records nothing', async () => {
    const { open, uow } = await world();
    await expect(open('A'.repeat(43))).rejects.toMatchObject({ status: 404, code: 'not-found' });
    expect(uow.events).toHaveLength(0);
  });

  it('a refusal stands even when its share.denied cannot be recorded; the loss is logged', async () => {
    const { link, open, bob, tenant, uow, logger } = await world();
    const { token } = await link(bob, tenant.id, { visibility: 'tenant' });
    vi.spyOn(uow, 'run').mockImplementationOnce(() => Promise.reject(new Error('database down')));

    await expect(open(token)).rejects.toMatchObject({ status: 401 });
    expect(logger.errors.map((args) => args[1])).toEqual(['could not record share.denied']);
  });
});
