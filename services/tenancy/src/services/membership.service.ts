import type { AuditContext } from '@portcullis/shared/auth';
import type { Transaction, UnitOfWork } from '@portcullis/shared/db';
import { Conflict, NotFound } from '@portcullis/shared/http';
import type { Membership } from '../entities/membership.entity.js';
import type { Tenant } from '../entities/tenant.entity.js';
import { TenancyEvent } from '../events/tenancy-events.js';
import type { MemberPageQuery, TenancyRepositories } from '../repositories/index.js';
import { syncMemberGrants } from './membership-grants.js';
import type { RoleCatalog } from './role-catalog.js';
import type { UserDirectory } from './user-directory.js';

/** The role a tenant can never be left without. */
export const ADMIN_ROLE = 'admin';

type Tx = Transaction<TenancyRepositories>;

/**
 * Memberships and their roles. Every change locks the tenant row, so changes in one tenant take turns (two admins
 * demoting each other at once cannot both succeed), and writes the membership, its grants and its audit event in one
 * unit of work.
 */
export class MembershipService {
  constructor(
    private readonly uow: UnitOfWork<TenancyRepositories>,
    private readonly roles: RoleCatalog,
    private readonly directory: Pick<UserDirectory, 'findById'>,
  ) {}

  list(query: MemberPageQuery): Promise<{ items: Membership[]; total: number }> {
    return this.uow.read((repos) => repos.members.page(query));
  }

  async add(tenantId: string, input: { user_id: string; roles: string[] }, audit: AuditContext): Promise<Membership> {
    const roles = this.roles.assertTenantRoles(input.roles);
    const user = await this.directory.findById(input.user_id);
    if (!user) throw new NotFound('No such user.');
    return this.uow.run(async (tx) => {
      await this.lockActiveTenant(tx, tenantId);
      if (await tx.repos.members.find(tenantId, user.id)) throw new Conflict('The user is already a member of this tenant.', 'already-member');
      const member = tx.repos.members.create({ tenantId, userId: user.id, email: user.email, name: user.name, roles });
      await syncMemberGrants(tx.policy, tenantId, user.id, [], roles);
      this.record(tx, TenancyEvent.memberAdded, member, audit, { before: null, after: { roles } });
      return member;
    });
  }

  /** Adds a member, or grants an existing member the extra roles (accepting an invitation). Inside the caller's unit of work. */
  async addOrExtend(tx: Tx, tenantId: string, user: { id: string; email: string; name: string }, roles: string[], audit: AuditContext): Promise<void> {
    const existing = await tx.repos.members.find(tenantId, user.id);
    if (!existing) {
      const member = tx.repos.members.create({ tenantId, userId: user.id, email: user.email, name: user.name, roles });
      this.record(tx, TenancyEvent.memberAdded, member, audit, { before: null, after: { roles } });
      await syncMemberGrants(tx.policy, tenantId, user.id, [], roles);
      return;
    }
    const before = existing.roles;
    const after = [...new Set([...before, ...roles])];
    if (after.length === before.length) return;
    existing.roles = after;
    existing.updatedAt = new Date();
    this.record(tx, TenancyEvent.memberRolesChanged, existing, audit, { before: { roles: before }, after: { roles: after } });
    await syncMemberGrants(tx.policy, tenantId, user.id, before, after);
  }

  async replaceRoles(tenantId: string, userId: string, requested: string[], audit: AuditContext): Promise<Membership> {
    const roles = this.roles.assertTenantRoles(requested);
    return this.uow.run(async (tx) => {
      await this.lockActiveTenant(tx, tenantId);
      const member = await tx.repos.members.find(tenantId, userId);
      if (!member) throw new NotFound('No such member.');
      const before = member.roles;
      if (before.includes(ADMIN_ROLE) && !roles.includes(ADMIN_ROLE)) await this.assertAnotherAdmin(tx, tenantId, userId, 'demote');
      member.roles = roles;
      member.updatedAt = new Date();
      await syncMemberGrants(tx.policy, tenantId, userId, before, roles);
      const changed = before.length !== roles.length || before.some((role) => !roles.includes(role));
      if (changed) this.record(tx, TenancyEvent.memberRolesChanged, member, audit, { before: { roles: before }, after: { roles } });
      return member;
    });
  }

  /** Removes a member (also a member leaving): never the last admin. */
  async remove(tenantId: string, userId: string, audit: AuditContext): Promise<void> {
    await this.uow.run(async (tx) => {
      await this.lockActiveTenant(tx, tenantId);
      const member = await tx.repos.members.find(tenantId, userId);
      if (!member) throw new NotFound('No such member.');
      if (member.roles.includes(ADMIN_ROLE)) await this.assertAnotherAdmin(tx, tenantId, userId, 'remove');
      await syncMemberGrants(tx.policy, tenantId, userId, member.roles, []);
      this.record(tx, TenancyEvent.memberRemoved, member, audit, { before: { roles: member.roles }, after: null });
      tx.repos.members.remove(member);
    });
  }

  /** The caller's memberships in active tenants, with each tenant. */
  ofUser(userId: string): Promise<{ tenant: Tenant; roles: string[] }[]> {
    return this.uow.read(async (repos) => {
      const memberships = await repos.members.ofUser(userId);
      const tenants = new Map((await repos.tenants.findByIds(memberships.map((m) => m.tenantId))).map((t) => [t.id, t]));
      return memberships
        .map((m) => ({ tenant: tenants.get(m.tenantId), roles: m.roles }))
        .filter((m): m is { tenant: Tenant; roles: string[] } => m.tenant?.status === 'active');
    });
  }

  /** Locks the tenant row (serialising membership changes in it); a disabled tenant takes none. */
  async lockActiveTenant(tx: Tx, tenantId: string): Promise<Tenant> {
    if (!(await tx.repos.tenants.lock(tenantId))) throw new NotFound('No such tenant.');
    const tenant = (await tx.repos.tenants.findById(tenantId))!;
    if (tenant.status !== 'active') throw new Conflict('The tenant is disabled.', 'tenant-disabled');
    return tenant;
  }

  private async assertAnotherAdmin(tx: Tx, tenantId: string, userId: string, verb: string): Promise<void> {
    if ((await tx.repos.members.countWithRole(tenantId, ADMIN_ROLE, userId)) === 0) {
      throw new Conflict(`Cannot ${verb} the last admin of the tenant; make another member admin first.`, 'last-admin');
    }
  }

  private record(tx: Tx, action: string, member: Membership, audit: AuditContext, changes: { before: unknown; after: unknown }): void {
    tx.record({
      action,
      subject: `tenant:${member.tenantId}/member:${member.userId}`,
      tenantId: member.tenantId,
      data: {
        actor: audit.actor,
        outcome: 'success',
        target: { tenant_id: member.tenantId, user_id: member.userId, email: member.email },
        changes,
        request_id: audit.request_id,
      },
    });
  }
}
