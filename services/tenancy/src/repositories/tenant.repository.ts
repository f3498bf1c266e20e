import type { EntityManager } from '@mikro-orm/postgresql';
import { TenantSchema, type Tenant, type TenantSettings } from '../entities/tenant.entity.js';

export interface TenantPageQuery {
  /** Only these tenants (a non-admin's own); undefined: every tenant. */
  ids?: string[];
  q?: string;
  status?: 'active' | 'disabled';
  sort: { field: 'name' | 'slug' | 'created_at'; direction: 'asc' | 'desc' };
  page: number;
  pageSize: number;
}

const SORT_COLUMNS = { name: 'lower(name)', slug: 'slug', created_at: 'created_at' } as const;

/** Tenants, as the services see them (Postgres here; in memory in unit tests). */
export interface Tenants {
  findById(id: string): Promise<Tenant | null>;
  findByIds(ids: string[]): Promise<Tenant[]>;
  /** Locks the tenant row until the unit of work ends; false when there is no such tenant. */
  lock(id: string): Promise<boolean>;
  create(data: { id: string; name: string; slug: string; settings: TenantSettings }): Tenant;
  page(query: TenantPageQuery): Promise<{ items: Tenant[]; total: number }>;
  delete(id: string): Promise<void>;
}

export class TenantRepository implements Tenants {
  constructor(private readonly em: EntityManager) {}

  findById(id: string): Promise<Tenant | null> {
    return this.em.findOne(TenantSchema, { id });
  }

  findByIds(ids: string[]): Promise<Tenant[]> {
    return ids.length ? this.em.find(TenantSchema, { id: { $in: ids } }) : Promise.resolve([]);
  }

  /**
   * Locks the tenant row until the transaction ends: membership changes that could remove the last admin take this
   * lock first, so two of them in one tenant run one after the other.
   */
  async lock(id: string): Promise<boolean> {
    const rows = await this.em.execute<{ id: string }[]>('select id from tenants where id = ? for update', [id]);
    return rows.length > 0;
  }

  create(data: { id: string; name: string; slug: string; settings: TenantSettings }): Tenant {
    const now = new Date();
    return this.em.create(TenantSchema, { ...data, status: 'active', createdAt: now, updatedAt: now, disabledAt: null });
  }

  async delete(id: string): Promise<void> {
    await this.em.execute('delete from tenants where id = ?', [id]);
  }

  async page(query: TenantPageQuery): Promise<{ items: Tenant[]; total: number }> {
    if (query.ids && query.ids.length === 0) return { items: [], total: 0 };
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.ids) {
      // A JSON array: MikroORM would expand a JS array binding into a list of placeholders.
      where.push('id in (select jsonb_array_elements_text(?::jsonb)::uuid)');
      params.push(JSON.stringify(query.ids));
    }
    if (query.status) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.q) {
      where.push("(name ilike ? escape '\\' or slug ilike ? escape '\\')");
      const pattern = `%${escapeLike(query.q)}%`;
      params.push(pattern, pattern);
    }
    const clause = where.length ? `where ${where.join(' and ')}` : '';
    const order = `${SORT_COLUMNS[query.sort.field]} ${query.sort.direction === 'desc' ? 'desc' : 'asc'}, id`;
    // The count and the page run side by side, on two connections: the answer waits for the slower, not both.
    const [[{ total }], rows] = await Promise.all([
      this.em.execute<{ total: string }[]>(`select count(*)::text as total from tenants ${clause}`, params),
      this.em.execute<{ id: string }[]>(`select id from tenants ${clause} order by ${order} limit ? offset ?`, [
        ...params,
        query.pageSize,
        (query.page - 1) * query.pageSize,
      ]),
    ]);
    const byId = new Map((await this.findByIds(rows.map((r) => r.id))).map((t) => [t.id, t]));
    return { items: rows.map((r) => byId.get(r.id)!).filter(Boolean), total: Number(total) };
  }
}

/** Makes user text match literally inside a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
