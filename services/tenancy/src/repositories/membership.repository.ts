import type { EntityManager } from '@mikro-orm/postgresql';
import { MembershipSchema, type Membership } from '../entities/membership.entity.js';
import { escapeLike } from './tenant.repository.js';

export interface MemberPageQuery {
  tenantId: string;
  q?: string;
  role?: string;
  sort: { field: 'email' | 'name' | 'created_at'; direction: 'asc' | 'desc' };
  page: number;
  pageSize: number;
}

interface MembershipRow {
  tenant_id: string;
  user_id: string;
  email: string;
  name: string;
  roles: string[];
  created_at: Date;
  updated_at: Date;
}

const SORT_COLUMNS = { email: 'email', name: 'lower(name)', created_at: 'created_at' } as const;

const fromRow = (row: MembershipRow): Membership => ({
  tenantId: row.tenant_id,
  userId: row.user_id,
  email: row.email,
  name: row.name,
  roles: row.roles,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/** Memberships, always within one tenant unless the method says it is about one user. */
export interface Memberships {
  find(tenantId: string, userId: string): Promise<Membership | null>;
  findByEmail(tenantId: string, email: string): Promise<Membership | null>;
  create(data: Pick<Membership, 'tenantId' | 'userId' | 'email' | 'name' | 'roles'>): Membership;
  remove(member: Membership): void;
  /** Members holding `role`, other than `exceptUserId`. */
  countWithRole(tenantId: string, role: string, exceptUserId: string): Promise<number>;
  allInTenant(tenantId: string): Promise<Membership[]>;
  /** The user's memberships, oldest first. */
  ofUser(userId: string): Promise<Membership[]>;
  page(query: MemberPageQuery): Promise<{ items: Membership[]; total: number }>;
  deleteAllInTenant(tenantId: string): Promise<void>;
}

export class MembershipRepository implements Memberships {
  constructor(private readonly em: EntityManager) {}

  find(tenantId: string, userId: string): Promise<Membership | null> {
    return this.em.findOne(MembershipSchema, { tenantId, userId });
  }

  findByEmail(tenantId: string, email: string): Promise<Membership | null> {
    return this.em.findOne(MembershipSchema, { tenantId, email });
  }

  create(data: Pick<Membership, 'tenantId' | 'userId' | 'email' | 'name' | 'roles'>): Membership {
    const now = new Date();
    return this.em.create(MembershipSchema, { ...data, createdAt: now, updatedAt: now });
  }

  remove(member: Membership): void {
    this.em.remove(member);
  }

  async countWithRole(tenantId: string, role: string, exceptUserId: string): Promise<number> {
    const [{ count }] = await this.em.execute<{ count: string }[]>(
      'select count(*)::text as count from memberships where tenant_id = ? and user_id <> ? and roles @> ?::jsonb',
      [tenantId, exceptUserId, JSON.stringify([role])],
    );
    return Number(count);
  }

  async allInTenant(tenantId: string): Promise<Membership[]> {
    return this.em.find(MembershipSchema, { tenantId });
  }

  async ofUser(userId: string): Promise<Membership[]> {
    return this.em.find(MembershipSchema, { userId }, { orderBy: { createdAt: 'asc' } });
  }

  async page(query: MemberPageQuery): Promise<{ items: Membership[]; total: number }> {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [query.tenantId];
    if (query.q) {
      // `search` is lower(email || ' ' || name), trigram-indexed.
      where.push("search like ? escape '\\'");
      params.push(`%${escapeLike(query.q.toLowerCase())}%`);
    }
    if (query.role) {
      where.push('roles @> ?::jsonb');
      params.push(JSON.stringify([query.role]));
    }
    const clause = where.join(' and ');
    const order = `${SORT_COLUMNS[query.sort.field]} ${query.sort.direction === 'desc' ? 'desc' : 'asc'}, user_id`;
    // The count and the page run side by side, on two connections: the answer waits for the slower, not both.
    const [[{ total }], rows] = await Promise.all([
      this.em.execute<{ total: string }[]>(`select count(*)::text as total from memberships where ${clause}`, params),
      this.em.execute<MembershipRow[]>(
        `select tenant_id, user_id, email, name, roles, created_at, updated_at from memberships where ${clause} order by ${order} limit ? offset ?`,
        [...params, query.pageSize, (query.page - 1) * query.pageSize],
      ),
    ]);
    return { items: rows.map(fromRow), total: Number(total) };
  }

  async deleteAllInTenant(tenantId: string): Promise<void> {
    await this.em.execute('delete from memberships where tenant_id = ?', [tenantId]);
  }
}
