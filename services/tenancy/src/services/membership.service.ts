import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AuditContext } from '@portcullis/shared/auth';
import type { GrantWriter, PolicyChange } from '@portcullis/shared/authz';
import type { Outbox } from '@portcullis/shared/events';
import { Conflict, NotFound } from '@portcullis/shared/http';
import type { Membership } from '../entities/membership.entity.js';
import type { Tenant } from '../entities/tenant.entity.js';
import { TenancyEvent } from '../events/tenancy-events.js';
import { MembershipRepository, type MemberPageQuery } from '../repositories/membership.repository.js';
import { TenantRepository } from '../repositories/tenant.repository.js';
import { syncMemberGrants } from './membership-grants.js';
import type { RoleCatalog } from './role-catalog.js';
import type { UserDirectory } from './user-directory.js';

/** The role a tenant can never be left without. */
export const ADMIN_ROLE = 'admin';

/**
 * Memberships and their roles. Every change locks the tenant row, writes the membership and its Casbin grants in one
 * transaction, and records its audit event there too; the grants are announced to every instance after the commit.
 */
export class MembershipService {
  constructor(
    private readonly orm: MikroORM,
    private readonly grants: GrantWriter,
    private readonly outbox: Outbox,
    private readonly roles: RoleCatalog,
    private readonly directory: UserDirectory,
  ) {}

  list(query: MemberPageQuery): Promise<{ items: Membership[]; total: number }> {
    return new MembershipRepository(this.orm.em.fork()).page(query);
  }

  async add(tenantId: string, input: { user_id: string; roles: string[] }, audit: AuditContext): Promise<Membership> {
    const roles = this.roles.assertTenantRoles(input.roles);
    const user = await this.directory.findById(input.user_id);
    if (!user) throw new NotFound('No such user.');
    return this.change(async (tx) => {
      await this.lockActiveTenant(tx, tenantId);
      const members = new MembershipRepository(tx);
      if (await members.find(tenantId, user.id)) throw new Conflict('The user is already a member of this tenant.', 'already-member');
      const member = members.create({ tenantId, userId: user.id, email: user.email, name: user.name, roles });
      const changes = await syncMemberGrants(this.grants, tx, tenantId, user.id, [], roles);
      this.record(tx, TenancyEvent.memberAdded, member, audit, { before: null, after: { roles } });
      return { result: member, changes };
    });
  }

  /** Adds a member, or grants an existing member the extra roles (accepting an invitation). Inside the caller's tx. */
  async addOrExtend(tx: EntityManager, tenantId: string, user: { id: string; email: string; name: string }, roles: string[], audit: AuditContext) {
    const members = new MembershipRepository(tx);
    const existing = await members.find(tenantId, user.id);
    if (!existing) {
      const member = members.create({ tenantId, userId: user.id, email: user.email, name: user.name, roles });
      this.record(tx, TenancyEvent.memberAdded, member, audit, { before: null, after: { roles } });
      return syncMemberGrants(this.grants, tx, tenantId, user.id, [], roles);
    }
    const before = existing.roles;
    const after = [...new Set([...before, ...roles])];
    if (after.length === before.length) return [];
    existing.roles = after;
    existing.updatedAt = new Date();
    this.record(tx, TenancyEvent.memberRolesChanged, existing, audit, { before: { roles: before }, after: { roles: after } });
    return syncMemberGrants(this.grants, tx, tenantId, user.id, before, after);
  }

  async replaceRoles(tenantId: string, userId: string, requested: string[], audit: AuditContext): Promise<Membership> {
    const roles = this.roles.assertTenantRoles(requested);
    return this.change(async (tx) => {
      await this.lockActiveTenant(tx, tenantId);
      const members = new MembershipRepository(tx);
      const member = await members.find(tenantId, userId);
      if (!member) throw new NotFound('No such member.');
      const before = member.roles;
      if (before.includes(ADMIN_ROLE) && !roles.includes(ADMIN_ROLE)) await this.assertAnotherAdmin(members, tenantId, userId, 'demote');
      member.roles = roles;
      member.updatedAt = new Date();
      const changes = await syncMemberGrants(this.grants, tx, tenantId, userId, before, roles);
      if (changes.length) this.record(tx, TenancyEvent.memberRolesChanged, member, audit, { before: { roles: before }, after: { roles } });
      return { result: member, changes };
    });
  }

  /** Removes a member (also a member leaving): never the last admin. */
  async remove(tenantId: string, userId: string, audit: AuditContext): Promise<void> {
    await this.change(async (tx) => {
      await this.lockActiveTenant(tx, tenantId);
      const members = new MembershipRepository(tx);
      const member = await members.find(tenantId, userId);
      if (!member) throw new NotFound('No such member.');
      if (member.roles.includes(ADMIN_ROLE)) await this.assertAnotherAdmin(members, tenantId, userId, 'remove');
      const changes = await syncMemberGrants(this.grants, tx, tenantId, userId, member.roles, []);
      this.record(tx, TenancyEvent.memberRemoved, member, audit, { before: { roles: member.roles }, after: null });
      tx.remove(member);
      return { result: undefined, changes };
    });
  }

  /** The caller's memberships in active tenants, with each tenant. */
  async ofUser(userId: string): Promise<{ tenant: Tenant; roles: string[] }[]> {
    const em = this.orm.em.fork();
    const memberships = await new MembershipRepository(em).ofUser(userId);
    const tenants = new Map((await new TenantRepository(em).findByIds(memberships.map((m) => m.tenantId))).map((t) => [t.id, t]));
    return memberships
      .map((m) => ({ tenant: tenants.get(m.tenantId), roles: m.roles }))
      .filter((m): m is { tenant: Tenant; roles: string[] } => m.tenant?.status === 'active');
  }

  /** Locks the tenant row (serialising membership changes in it); a disabled tenant takes none. */
  async lockActiveTenant(tx: EntityManager, tenantId: string): Promise<Tenant> {
    const tenants = new TenantRepository(tx);
    if (!(await tenants.lock(tenantId))) throw new NotFound('No such tenant.');
    const tenant = (await tenants.findById(tenantId))!;
    if (tenant.status !== 'active') throw new Conflict('The tenant is disabled.', 'tenant-disabled');
    return tenant;
  }

  private async assertAnotherAdmin(members: MembershipRepository, tenantId: string, userId: string, verb: string): Promise<void> {
    if ((await members.countWithRole(tenantId, ADMIN_ROLE, userId)) === 0) {
      throw new Conflict(`Cannot ${verb} the last admin of the tenant; make another member admin first.`, 'last-admin');
    }
  }

  private async change<T>(work: (tx: EntityManager) => Promise<{ result: T; changes: (PolicyChange | undefined)[] }>): Promise<T> {
    const { result, changes } = await this.orm.em.fork().transactional(work);
    this.outbox.committed();
    this.grants.announce(changes);
    return result;
  }

  record(tx: EntityManager, action: string, member: Membership, audit: AuditContext, changes: { before: unknown; after: unknown }): void {
    this.outbox.record(tx, {
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
