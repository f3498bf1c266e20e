import type { EntityManager } from '@mikro-orm/postgresql';
import { ShareViewSchema, type ShareView } from '../entities/share-view.entity.js';

/** The view log of links (written by Shares.countView, in the statement that counts the view). */
export interface ShareViews {
  /** A share's views, newest first. */
  page(tenantId: string, shareId: string, page: number, pageSize: number): Promise<{ items: ShareView[]; total: number }>;
}

export class ShareViewRepository implements ShareViews {
  constructor(private readonly em: EntityManager) {}

  async page(tenantId: string, shareId: string, page: number, pageSize: number): Promise<{ items: ShareView[]; total: number }> {
    const [items, total] = await this.em.findAndCount(
      ShareViewSchema,
      { tenantId, shareId },
      { orderBy: { viewedAt: 'desc', id: 'desc' }, limit: pageSize, offset: (page - 1) * pageSize },
    );
    return { items, total };
  }
}
