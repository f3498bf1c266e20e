import type { EntityManager } from '@mikro-orm/postgresql';
import type { OutboxRow } from '@portcullis/shared/db';
import { ShareSchema, type Share } from '../entities/share.entity.js';

export type ShareSortField = 'created_at' | 'expires_at' | 'name' | 'view_count';

export interface SharePageQuery {
  tenantId: string;
  /** Only the shares this user created (callers who may not manage every share of the tenant). */
  createdBy?: string;
  status?: Share['status'];
  resourceType?: string;
  page: number;
  pageSize: number;
  sort: { field: ShareSortField; direction: 'asc' | 'desc' };
}

/** A view and its audit event (the unit of work's `outboxRow`), written by the same statement that counts the view. */
export interface CountedView {
  view: { id: string; viewerUserId: string | null; ip: string | null; userAgent: string | null };
  event: OutboxRow;
}

const SORT_PROPERTY: Record<ShareSortField, keyof Share> = {
  created_at: 'createdAt',
  expires_at: 'expiresAt',
  name: 'name',
  view_count: 'viewCount',
};

interface ShareRow {
  id: string;
  tenant_id: string;
  resource_type: string;
  resource_id: string;
  visibility: Share['visibility'];
  permissions: string[];
  /** Raw queries may hand timestamps back as strings. */
  expires_at: Date | string | null;
  max_views: number | null;
  view_count: number;
  status: Share['status'];
}

/** The columns resolve needs, by token hash: one indexed lookup, no entity hydration on the hot path. */
export type ResolvableShare = Pick<Share, 'id' | 'tenantId' | 'resourceType' | 'resourceId' | 'visibility' | 'permissions' | 'maxViews' | 'viewCount' | 'status'> & {
  expiresAt: Date | null;
};

const toResolvable = (row: ShareRow): ResolvableShare => ({
  id: row.id,
  tenantId: row.tenant_id,
  resourceType: row.resource_type,
  resourceId: row.resource_id,
  visibility: row.visibility,
  permissions: row.permissions,
  expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
  maxViews: row.max_views,
  viewCount: row.view_count,
  status: row.status,
});

const RESOLVABLE_COLUMNS = 'id, tenant_id, resource_type, resource_id, visibility, permissions, expires_at, max_views, view_count, status';

/** Share links, always within one tenant except the resolve path's lookups by token hash and id. */
export interface Shares {
  create(share: Share): Share;
  findInTenant(tenantId: string, id: string): Promise<Share | null>;
  /** The share, row-locked until the unit of work ends (revocations of one share queue up). */
  lockInTenant(tenantId: string, id: string): Promise<Share | null>;
  /** The tenant's live links, oldest first. */
  activeInTenant(tenantId: string): Promise<Share[]>;
  page(query: SharePageQuery): Promise<{ items: Share[]; total: number }>;
  findByTokenHash(tokenHash: string): Promise<ResolvableShare | undefined>;
  reload(id: string): Promise<ResolvableShare | undefined>;
  /**
   * Counts one view if the link is still usable (active, unexpired, views left) and, atomically with it, logs the view
   * and writes its outbox row. Concurrent counts of one link take turns (a row lock): exactly max_views succeed.
   * Returns the new count, or undefined when the link was not usable (then nothing was written).
   */
  countView(shareId: string, counted: CountedView): Promise<number | undefined>;
}

export class ShareRepository implements Shares {
  constructor(private readonly em: EntityManager) {}

  create(share: Share): Share {
    return this.em.create(ShareSchema, share);
  }

  findInTenant(tenantId: string, id: string): Promise<Share | null> {
    return this.em.findOne(ShareSchema, { id, tenantId });
  }

  /** The share, row-locked for the rest of the transaction (revocations of one share queue up). */
  lockInTenant(tenantId: string, id: string): Promise<Share | null> {
    return this.em.findOne(ShareSchema, { id, tenantId }, { lockMode: 4 /* LockMode.PESSIMISTIC_WRITE */ });
  }

  activeInTenant(tenantId: string): Promise<Share[]> {
    return this.em.find(ShareSchema, { tenantId, status: 'active' }, { orderBy: { createdAt: 'asc' } });
  }

  async page(query: SharePageQuery): Promise<{ items: Share[]; total: number }> {
    const where = {
      tenantId: query.tenantId,
      ...(query.createdBy ? { createdBy: query.createdBy } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.resourceType ? { resourceType: query.resourceType } : {}),
    };
    const [items, total] = await this.em.findAndCount(ShareSchema, where, {
      orderBy: { [SORT_PROPERTY[query.sort.field]]: query.sort.direction, id: query.sort.direction },
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    });
    return { items, total };
  }

  async findByTokenHash(tokenHash: string): Promise<ResolvableShare | undefined> {
    const [row] = await this.em.execute<ShareRow[]>(`select ${RESOLVABLE_COLUMNS} from shares where token_hash = ?`, [tokenHash]);
    return row ? toResolvable(row) : undefined;
  }

  async reload(id: string): Promise<ResolvableShare | undefined> {
    const [row] = await this.em.execute<ShareRow[]>(`select ${RESOLVABLE_COLUMNS} from shares where id = ?`, [id]);
    return row ? toResolvable(row) : undefined;
  }

  /**
   * Counts one view if the link is still usable (active, unexpired, views left), and in the same statement logs the
   * view and records its audit event in the outbox. The row lock of the update makes concurrent resolves queue, and
   * each re-checks the limit against the count the one before it left: exactly max_views succeed.
   * Returns the new count, or undefined when the link was not usable.
   */
  async countView(shareId: string, counted: CountedView): Promise<number | undefined> {
    const { view, event } = counted;
    const rows = await this.em.execute<{ view_count: number }[]>(
      `with counted as (
         update shares set view_count = view_count + 1
         where id = ? and status = 'active' and (expires_at is null or expires_at > now()) and (max_views is null or view_count < max_views)
         returning id, tenant_id, view_count
       ), viewed as (
         insert into share_views (id, share_id, tenant_id, viewer_user_id, ip, user_agent, viewed_at)
         select ?, id, tenant_id, ?, ?, ?, now() from counted
       ), recorded as (
         insert into outbox (id, subject, payload, created_at, attempts)
         select ?, ?, ?::jsonb, ?, 0 from counted
       )
       select view_count from counted`,
      [shareId, view.id, view.viewerUserId, view.ip, view.userAgent, event.id, event.subject, JSON.stringify(event.payload), event.createdAt],
    );
    return rows[0]?.view_count;
  }
}
