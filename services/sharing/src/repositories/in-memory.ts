// In-memory sharing repositories for unit tests of the business rules (see @portcullis/shared/db/testing).
import { InMemoryLocks, InMemoryTable, InMemoryUnitOfWork } from '@portcullis/shared/db/testing';
import type { ShareView } from '../entities/share-view.entity.js';
import type { Share } from '../entities/share.entity.js';
import { SHARING_SERVICE } from '../events/sharing-events.js';
import type { SharingRepositories } from './index.js';
import type { CountedView, ResolvableShare, SharePageQuery, Shares, ShareSortField } from './share.repository.js';
import type { ShareViews } from './share-view.repository.js';

const page = <T>(rows: T[], number: number, size: number) => ({ items: rows.slice((number - 1) * size, number * size), total: rows.length });

/** Postgres's order: nulls after every value ascending, before them descending. */
const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return (a as string | number | Date) < (b as string | number | Date) ? -1 : (a as string | number | Date) > (b as string | number | Date) ? 1 : 0;
};

const SORT_PROPERTY: Record<ShareSortField, keyof Share> = { created_at: 'createdAt', expires_at: 'expiresAt', name: 'name', view_count: 'viewCount' };

/** The resolve path reads raw columns, not the entity: a copy, as a query result would be. */
const toResolvable = (share: Share): ResolvableShare => ({
  id: share.id,
  tenantId: share.tenantId,
  resourceType: share.resourceType,
  resourceId: share.resourceId,
  visibility: share.visibility,
  permissions: [...share.permissions],
  expiresAt: share.expiresAt ?? null,
  maxViews: share.maxViews ?? null,
  viewCount: share.viewCount,
  status: share.status,
});

/** The count statement's where clause: active, unexpired (expires_at > now()), views left (view_count < max_views). */
const usable = (share: Share, now: Date) =>
  share.status === 'active' && (share.expiresAt == null || share.expiresAt.getTime() > now.getTime()) && (share.maxViews == null || share.viewCount < share.maxViews);

export class InMemoryShareViews implements ShareViews {
  readonly table = new InMemoryTable<ShareView>({ key: (v) => v.id });

  /** The view log's insert, one of the count statement's writes. */
  async log(view: ShareView): Promise<void> {
    this.table.insert(view);
  }

  async page(tenantId: string, shareId: string, number: number, size: number) {
    const rows = this.table.find((v) => v.tenantId === tenantId && v.shareId === shareId).sort((a, b) => compare(b.viewedAt, a.viewedAt) || compare(b.id, a.id));
    return page(rows, number, size);
  }
}

export class InMemoryShares implements Shares {
  // The token hash is unique, as in Postgres: a colliding token fails the unit of work that created it.
  readonly table = new InMemoryTable<Share>({ key: (s) => s.id, unique: [(s) => `token:${s.tokenHash}`] });

  constructor(
    private readonly locks: InMemoryLocks,
    private readonly views: InMemoryShareViews,
  ) {}

  create(share: Share): Share {
    return this.table.insert(share);
  }

  async findInTenant(tenantId: string, id: string) {
    return this.table.findOne((s) => s.id === id && s.tenantId === tenantId);
  }

  /** `select … for update`: no row, no lock; otherwise the row's lock, then the row as the last holder left it. */
  async lockInTenant(tenantId: string, id: string) {
    if (this.table.count((s) => s.id === id && s.tenantId === tenantId) === 0) return null;
    await this.locks.acquire(`shares:${id}`);
    return this.table.findOne((s) => s.id === id && s.tenantId === tenantId);
  }

  async activeInTenant(tenantId: string) {
    return this.table.find((s) => s.tenantId === tenantId && s.status === 'active').sort((a, b) => compare(a.createdAt, b.createdAt));
  }

  async page(query: SharePageQuery) {
    const field = SORT_PROPERTY[query.sort.field];
    const rows = this.table
      .find(
        (s) =>
          s.tenantId === query.tenantId &&
          (!query.createdBy || s.createdBy === query.createdBy) &&
          (!query.status || s.status === query.status) &&
          (!query.resourceType || s.resourceType === query.resourceType),
      )
      .sort((a, b) => {
        const order = compare(a[field], b[field]) || compare(a.id, b.id);
        return query.sort.direction === 'desc' ? -order : order;
      });
    return page(rows, query.page, query.pageSize);
  }

  async findByTokenHash(tokenHash: string) {
    const found = this.table.findOne((s) => s.tokenHash === tokenHash);
    return found ? toResolvable(found) : undefined;
  }

  async reload(id: string) {
    const found = this.table.get(id);
    return found ? toResolvable(found) : undefined;
  }

  /**
   * The count statement. Between reading the row and writing its new count it writes the view log: other units of work
   * run there, as they would on a server, and what keeps them out is the update's row lock (`shares:<id>`, the lock
   * lockInTenant takes too), held until the unit of work ends. The outbox row is the unit of work's own (outboxRow).
   */
  async countView(shareId: string, { view }: CountedView): Promise<number | undefined> {
    await this.locks.acquire(`shares:${shareId}`);
    const now = new Date();
    // Checked without touching the row: a refused count writes nothing, so there is nothing to undo.
    if (this.table.count((s) => s.id === shareId && usable(s, now)) === 0) return undefined;
    const share = this.table.get(shareId)!;
    const count = share.viewCount + 1;
    await this.views.log({ id: view.id, shareId, tenantId: share.tenantId, viewerUserId: view.viewerUserId, ip: view.ip, userAgent: view.userAgent, viewedAt: now });
    share.viewCount = count;
    return count;
  }
}

export interface InMemorySharingRepositories extends SharingRepositories {
  shares: InMemoryShares;
  views: InMemoryShareViews;
}

/** Sharing's unit of work over in-memory repositories. */
export function inMemorySharing(): InMemoryUnitOfWork<InMemorySharingRepositories> {
  const locks = new InMemoryLocks();
  const views = new InMemoryShareViews();
  return new InMemoryUnitOfWork<InMemorySharingRepositories>({ shares: new InMemoryShares(locks, views), views }, locks, SHARING_SERVICE);
}
