// In-memory tenancy repositories for unit tests of the business rules (see @portcullis/shared/db/testing).
import { InMemoryLocks, InMemoryTable, InMemoryUnitOfWork } from '@portcullis/shared/db/testing';
import type { Invitation } from '../entities/invitation.entity.js';
import type { Membership } from '../entities/membership.entity.js';
import type { Tenant } from '../entities/tenant.entity.js';
import type { TenancyRepositories } from './index.js';
import type { Invitations, InvitationFilter } from './invitation.repository.js';
import type { MemberPageQuery, Memberships } from './membership.repository.js';
import type { TenantPageQuery, Tenants } from './tenant.repository.js';

const page = <T>(rows: T[], number: number, size: number) => ({ items: rows.slice((number - 1) * size, number * size), total: rows.length });
const compare = (a: string | Date, b: string | Date) => (a < b ? -1 : a > b ? 1 : 0);

export class InMemoryTenants implements Tenants {
  readonly table = new InMemoryTable<Tenant>({ key: (t) => t.id, unique: [(t) => `name:${t.name.toLowerCase()}`, (t) => `slug:${t.slug}`] });
  constructor(private readonly locks: InMemoryLocks) {}

  async findById(id: string) {
    return this.table.get(id);
  }
  async findByIds(ids: string[]) {
    return this.table.find((t) => ids.includes(t.id));
  }
  async lock(id: string) {
    await this.locks.acquire(`tenants:${id}`);
    return this.table.get(id) !== null;
  }
  create(data: { id: string; name: string; slug: string; settings: Tenant['settings'] }): Tenant {
    const now = new Date();
    return this.table.insert({ ...data, status: 'active', createdAt: now, updatedAt: now, disabledAt: null });
  }
  async page(query: TenantPageQuery) {
    const q = query.q?.toLowerCase();
    const rows = this.table
      .find((t) => (!query.ids || query.ids.includes(t.id)) && (!query.status || t.status === query.status) && (!q || t.name.toLowerCase().includes(q) || t.slug.includes(q)))
      .sort((a, b) => {
        const field = query.sort.field === 'created_at' ? 'createdAt' : query.sort.field;
        const order = compare(field === 'name' ? a.name.toLowerCase() : a[field], field === 'name' ? b.name.toLowerCase() : b[field]) || compare(a.id, b.id);
        return query.sort.direction === 'desc' ? -order : order;
      });
    return page(rows, query.page, query.pageSize);
  }
  async delete(id: string) {
    this.table.deleteWhere((t) => t.id === id);
  }
}

export class InMemoryMemberships implements Memberships {
  readonly table = new InMemoryTable<Membership>({ key: (m) => `${m.tenantId}/${m.userId}` });

  async find(tenantId: string, userId: string) {
    return this.table.get(`${tenantId}/${userId}`);
  }
  async findByEmail(tenantId: string, email: string) {
    return this.table.findOne((m) => m.tenantId === tenantId && m.email === email);
  }
  create(data: Pick<Membership, 'tenantId' | 'userId' | 'email' | 'name' | 'roles'>): Membership {
    const now = new Date();
    return this.table.insert({ ...data, createdAt: now, updatedAt: now });
  }
  remove(member: Membership) {
    this.table.delete(member);
  }
  async countWithRole(tenantId: string, role: string, exceptUserId: string) {
    return this.table.count((m) => m.tenantId === tenantId && m.userId !== exceptUserId && m.roles.includes(role));
  }
  async allInTenant(tenantId: string) {
    return this.table.find((m) => m.tenantId === tenantId);
  }
  async ofUser(userId: string) {
    return this.table.find((m) => m.userId === userId).sort((a, b) => compare(a.createdAt, b.createdAt));
  }
  async page(query: MemberPageQuery) {
    const q = query.q?.toLowerCase();
    const rows = this.table
      .find((m) => m.tenantId === query.tenantId && (!q || `${m.email} ${m.name}`.toLowerCase().includes(q)) && (!query.role || m.roles.includes(query.role)))
      .sort((a, b) => {
        const key = (m: Membership) => (query.sort.field === 'created_at' ? m.createdAt : query.sort.field === 'name' ? m.name.toLowerCase() : m.email);
        const order = compare(key(a), key(b)) || compare(a.userId, b.userId);
        return query.sort.direction === 'desc' ? -order : order;
      });
    return page(rows, query.page, query.pageSize);
  }
  async deleteAllInTenant(tenantId: string) {
    this.table.deleteWhere((m) => m.tenantId === tenantId);
  }
}

export class InMemoryInvitations implements Invitations {
  // As the partial unique index: one pending invitation per tenant and email.
  readonly table = new InMemoryTable<Invitation>({ key: (i) => i.id, unique: [(i) => (i.status === 'pending' ? `${i.tenantId}/${i.email}` : undefined), (i) => i.tokenHash] });
  constructor(private readonly locks: InMemoryLocks) {}

  async find(tenantId: string, id: string) {
    return this.table.findOne((i) => i.tenantId === tenantId && i.id === id);
  }
  async findPending(tenantId: string, email: string) {
    return this.table.findOne((i) => i.tenantId === tenantId && i.email === email && i.status === 'pending');
  }
  async findByTokenHashForUpdate(tokenHash: string) {
    const found = this.table.findOne((i) => i.tokenHash === tokenHash);
    if (!found) return null;
    await this.locks.acquire(`invitations:${found.id}`);
    return found;
  }
  async findByTokenHash(tokenHash: string) {
    return this.table.findOne((i) => i.tokenHash === tokenHash);
  }
  create(data: Pick<Invitation, 'id' | 'tenantId' | 'email' | 'roles' | 'tokenHash' | 'invitedBy' | 'expiresAt'>): Invitation {
    const now = new Date();
    return this.table.insert({ ...data, status: 'pending', createdAt: now, updatedAt: now, acceptedAt: null, acceptedBy: null });
  }
  async page(tenantId: string, status: InvitationFilter, number: number, size: number) {
    const now = new Date();
    const matches = (i: Invitation) =>
      status === 'pending' ? i.status === 'pending' && i.expiresAt > now
      : status === 'expired' ? i.status === 'pending' && i.expiresAt <= now
      : !status || i.status === status;
    const rows = this.table.find((i) => i.tenantId === tenantId && matches(i)).sort((a, b) => compare(b.createdAt, a.createdAt) || compare(b.id, a.id));
    return page(rows, number, size);
  }
  async deleteAllInTenant(tenantId: string) {
    this.table.deleteWhere((i) => i.tenantId === tenantId);
  }
}

/** Tenancy's unit of work over in-memory repositories. */
export function inMemoryTenancy(): InMemoryUnitOfWork<TenancyRepositories> {
  const locks = new InMemoryLocks();
  return new InMemoryUnitOfWork<TenancyRepositories>(
    { tenants: new InMemoryTenants(locks), members: new InMemoryMemberships(), invitations: new InMemoryInvitations(locks) },
    locks,
    'tenancy',
  );
}
