import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import type { AuditContext, Principal } from '@portcullis/shared/auth';
import type { Authorizer } from '@portcullis/shared/authz';
import type { Transaction, UnitOfWork } from '@portcullis/shared/db';
import { Conflict, InvalidRequest, NotFound } from '@portcullis/shared/http';
import type { Tenant, TenantSettings } from '../entities/tenant.entity.js';
import { TenancyEvent } from '../events/tenancy-events.js';
import type { TenancyRepositories, TenantPageQuery } from '../repositories/index.js';
import { syncMemberGrants } from './membership-grants.js';

export interface TenantInput {
  name: string;
  slug: string;
  settings?: Partial<TenantSettings>;
}

type Tx = Transaction<TenancyRepositories>;

const DEFAULT_SETTINGS: TenantSettings = { allow_public_shares: false };

const snapshot = (t: Tenant) => ({ name: t.name, slug: t.slug, status: t.status, settings: t.settings });

/** Tenants (mandates): create, list, read, update, disable and purge. Every change is audited. */
export class TenantService {
  constructor(
    private readonly uow: UnitOfWork<TenancyRepositories>,
    private readonly authorizer: Authorizer,
  ) {}

  create(input: TenantInput, audit: AuditContext): Promise<Tenant> {
    return this.unique(() =>
      this.uow.run(async (tx) => {
        const created = tx.repos.tenants.create({
          id: uuidv7(),
          name: input.name.trim(),
          slug: input.slug,
          settings: { ...DEFAULT_SETTINGS, ...input.settings },
        });
        this.record(tx, TenancyEvent.tenantCreated, created, audit, { before: null, after: snapshot(created) });
        return created;
      }),
    );
  }

  /** Every tenant for callers the policy lets read tenants platform-wide; otherwise the caller's own. */
  list(principal: Principal, query: Omit<TenantPageQuery, 'ids'>): Promise<{ items: Tenant[]; total: number }> {
    const everything = this.authorizer.isAllowed(principal, 'platform', 'tenant', 'read');
    const ids = everything ? undefined : this.authorizer.tenantsWhere(principal, 'tenant', 'read');
    return this.uow.read((repos) => repos.tenants.page({ ...query, ids, ...(everything ? {} : { status: 'active' }) }));
  }

  /** The guard has already let the caller see this tenant. */
  async get(id: string): Promise<Tenant> {
    const tenant = await this.uow.read((repos) => repos.tenants.findById(id));
    if (!tenant) throw new NotFound('No such tenant.');
    return tenant;
  }

  update(id: string, input: Partial<TenantInput>, audit: AuditContext): Promise<Tenant> {
    return this.unique(() =>
      this.uow.run(async (tx) => {
        const found = await tx.repos.tenants.findById(id);
        if (!found) throw new NotFound('No such tenant.');
        const before = snapshot(found);
        if (input.name !== undefined) found.name = input.name.trim();
        if (input.slug !== undefined) found.slug = input.slug;
        if (input.settings) found.settings = { ...found.settings, ...input.settings };
        found.updatedAt = new Date();
        this.record(tx, TenancyEvent.tenantUpdated, found, audit, { before, after: snapshot(found) });
        return found;
      }),
    );
  }

  /**
   * Soft delete: the tenant is disabled and every member's grants in it are removed in the same unit of work, so
   * their access ends everywhere at once; the memberships stay (a grant exists only for a member of an active tenant).
   */
  async disable(id: string, audit: AuditContext): Promise<void> {
    await this.uow.run(async (tx) => {
      if (!(await tx.repos.tenants.lock(id))) throw new NotFound('No such tenant.');
      const tenant = (await tx.repos.tenants.findById(id))!;
      if (tenant.status === 'disabled') return;
      const before = snapshot(tenant);
      await this.revokeAllGrants(tx, id);
      tenant.status = 'disabled';
      tenant.disabledAt = new Date();
      tenant.updatedAt = tenant.disabledAt;
      this.record(tx, TenancyEvent.tenantDisabled, tenant, audit, { before, after: snapshot(tenant) });
    });
  }

  /** Hard delete: memberships, invitations, grants and the tenant itself; `tenant.deleted` tells sharing to revoke links. */
  async purge(id: string, confirmName: string | undefined, audit: AuditContext): Promise<void> {
    await this.uow.run(async (tx) => {
      if (!(await tx.repos.tenants.lock(id))) throw new NotFound('No such tenant.');
      const tenant = (await tx.repos.tenants.findById(id))!;
      if (confirmName !== tenant.name) {
        throw new InvalidRequest('Purging a tenant needs the header x-confirm-name with its exact name.', [{ path: 'x-confirm-name', message: 'must equal the tenant name' }], 'confirmation-required');
      }
      const members = await tx.repos.members.allInTenant(id);
      if (tenant.status === 'active') await this.revokeAllGrants(tx, id);
      this.record(tx, TenancyEvent.tenantDeleted, tenant, audit, { before: { ...snapshot(tenant), members: members.length }, after: null });
      await tx.repos.invitations.deleteAllInTenant(id);
      await tx.repos.members.deleteAllInTenant(id);
      await tx.repos.tenants.delete(id);
    });
  }

  private async revokeAllGrants(tx: Tx, tenantId: string): Promise<void> {
    for (const member of await tx.repos.members.allInTenant(tenantId)) await syncMemberGrants(tx.policy, tenantId, member.userId, member.roles, []);
  }

  private record(tx: Tx, action: string, tenant: Tenant, audit: AuditContext, changes: { before: unknown; after: unknown }): void {
    tx.record({
      action,
      subject: `tenant:${tenant.id}`,
      tenantId: tenant.id,
      data: { actor: audit.actor, outcome: 'success', target: { tenant_id: tenant.id, name: tenant.name, slug: tenant.slug }, changes, request_id: audit.request_id },
    });
  }

  private async unique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new Conflict('A tenant with this name or slug already exists.', 'already-exists');
      throw error;
    }
  }
}
