import { describe, expect, it } from 'vitest';
import { audit, tenancyUnderTest } from './tenancy-fakes.js';

describe('memberships (unit, in memory)', () => {
  it('the last admin of a tenant can be neither demoted nor removed, and the refusal changes nothing', async () => {
    const { members, tenantWithAdmins, uow, grantsOf } = tenancyUnderTest();
    const tenant = await tenantWithAdmins('ada');
    const eventsBefore = uow.events.length;

    await expect(members.replaceRoles(tenant.id, 'ada', ['member'], audit())).rejects.toMatchObject({ status: 409, code: 'last-admin' });
    await expect(members.remove(tenant.id, 'ada', audit())).rejects.toMatchObject({ status: 409, code: 'last-admin' });

    expect((await members.list({ tenantId: tenant.id, sort: { field: 'email', direction: 'asc' }, page: 1, pageSize: 10 })).items[0].roles).toEqual(['admin']);
    expect(grantsOf(tenant.id, 'ada')).toEqual(['admin']);
    expect(uow.events.length).toBe(eventsBefore);
  });

  it('an admin may step down once another admin exists', async () => {
    const { members, tenantWithAdmins, grantsOf, uow } = tenancyUnderTest();
    const tenant = await tenantWithAdmins('ada', 'bob');

    await members.replaceRoles(tenant.id, 'ada', ['member'], audit('ada'));

    expect(grantsOf(tenant.id, 'ada')).toEqual(['member']);
    expect(uow.eventsOf('member.roles_changed').at(-1)?.data.changes).toEqual({ before: { roles: ['admin'] }, after: { roles: ['member'] } });
  });

  it('two admins demoting each other at the same moment: one wins and the tenant keeps an admin', async () => {
    const { members, tenantWithAdmins, grantsOf } = tenancyUnderTest();
    const tenant = await tenantWithAdmins('ada', 'bob');

    const outcomes = await Promise.allSettled([
      members.replaceRoles(tenant.id, 'bob', ['member'], audit('ada')),
      members.replaceRoles(tenant.id, 'ada', ['member'], audit('bob')),
    ]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'last-admin' } });
    expect([grantsOf(tenant.id, 'ada'), grantsOf(tenant.id, 'bob')].filter((roles) => roles.includes('admin'))).toHaveLength(1);
  });

  it('a hundred concurrent removals and demotions never leave a tenant without an admin', async () => {
    const { members, tenantWithAdmins, grantsOf } = tenancyUnderTest();
    const admins = Array.from({ length: 10 }, (_, i) => `admin-${i}`);
    const tenant = await tenantWithAdmins(...admins);

    await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => {
        const target = admins[i % admins.length];
        return i % 2 ? members.remove(tenant.id, target, audit()) : members.replaceRoles(tenant.id, target, ['viewer'], audit());
      }),
    );

    const stillAdmin = admins.filter((id) => grantsOf(tenant.id, id).includes('admin'));
    expect(stillAdmin).toHaveLength(1);
  });

  it("a member's grants follow their roles exactly, and each change is announced once after it commits", async () => {
    const { members, tenantWithAdmins, directory, grantsOf, uow } = tenancyUnderTest();
    const tenant = await tenantWithAdmins('ada');
    directory.add('cy');
    const announcedBefore = uow.policy.announced.length;

    await members.add(tenant.id, { user_id: 'cy', roles: ['viewer', 'member'] }, audit());
    expect(grantsOf(tenant.id, 'cy')).toEqual(['member', 'viewer']);
    await members.replaceRoles(tenant.id, 'cy', ['member'], audit());
    expect(grantsOf(tenant.id, 'cy')).toEqual(['member']);
    await members.remove(tenant.id, 'cy', audit());
    expect(grantsOf(tenant.id, 'cy')).toEqual([]);

    expect(uow.policy.announced.length - announcedBefore).toBe(3);
    expect(uow.eventsOf('member.added').at(-1)?.subject).toBe(`tenant:${tenant.id}/member:cy`);
    expect(uow.eventsOf('member.removed')).toHaveLength(1);
  });

  it('adding someone twice is 409 already-member; adding an unknown user is 404; unknown roles are 400', async () => {
    const { members, tenantWithAdmins } = tenancyUnderTest();
    const tenant = await tenantWithAdmins('ada');

    await expect(members.add(tenant.id, { user_id: 'ada', roles: ['member'] }, audit())).rejects.toMatchObject({ status: 409, code: 'already-member' });
    await expect(members.add(tenant.id, { user_id: 'nobody', roles: ['member'] }, audit())).rejects.toMatchObject({ status: 404 });
    await expect(members.add(tenant.id, { user_id: 'ada', roles: ['overlord'] }, audit())).rejects.toMatchObject({ status: 400, code: 'validation' });
  });

  it('a disabled tenant takes no member changes, and disabling it revoked every grant in it', async () => {
    const { members, tenants, tenantWithAdmins, directory, grantsOf, uow } = tenancyUnderTest();
    const tenant = await tenantWithAdmins('ada', 'bob');
    directory.add('cy');

    await tenants.disable(tenant.id, audit());

    expect(grantsOf(tenant.id, 'ada')).toEqual([]);
    expect(grantsOf(tenant.id, 'bob')).toEqual([]);
    await expect(members.add(tenant.id, { user_id: 'cy', roles: ['member'] }, audit())).rejects.toMatchObject({ status: 409, code: 'tenant-disabled' });
    expect(uow.eventsOf('tenant.disabled')).toHaveLength(1);
    expect(uow.eventsOf('member.added').filter((e) => e.subject.endsWith('/member:cy'))).toHaveLength(0);
  });

  it('purging needs the exact name, then removes memberships, invitations and grants together', async () => {
    const { tenants, invitations, tenantWithAdmins, grantsOf, uow } = tenancyUnderTest();
    const tenant = await tenantWithAdmins('ada');
    await invitations.create(tenant.id, { email: 'dee@example.test', roles: ['member'] }, audit());

    await expect(tenants.purge(tenant.id, 'wrong name', audit())).rejects.toMatchObject({ status: 400, code: 'confirmation-required' });
    expect(grantsOf(tenant.id, 'ada')).toEqual(['admin']);

    await tenants.purge(tenant.id, tenant.name, audit());
    expect(grantsOf(tenant.id, 'ada')).toEqual([]);
    await expect(tenants.get(tenant.id)).rejects.toMatchObject({ status: 404 });
    expect((await invitations.list(tenant.id, undefined, 1, 10)).total).toBe(0);
    expect(uow.eventsOf('tenant.deleted')[0].data.changes).toMatchObject({ before: { members: 1 }, after: null });
  });

  it('two tenants may not share a name (case-insensitive) or a slug: 409 already-exists', async () => {
    const { tenants } = tenancyUnderTest();
    await tenants.create({ name: 'Acme', slug: 'acme' }, audit());

    await expect(tenants.create({ name: 'ACME', slug: 'acme-2' }, audit())).rejects.toMatchObject({ status: 409, code: 'already-exists' });
    await expect(tenants.create({ name: 'Other', slug: 'acme' }, audit())).rejects.toMatchObject({ status: 409, code: 'already-exists' });
  });
});
