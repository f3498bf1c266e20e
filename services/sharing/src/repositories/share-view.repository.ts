import type { EntityManager } from '@mikro-orm/postgresql';
import { ShareViewSchema, type ShareView } from '../entities/share-view.entity.js';

export class ShareViewRepository {
  constructor(private readonly em: EntityManager) {}

  /** A share's views, newest first. */
  async page(tenantId: string, shareId: string, page: number, pageSize: number): Promise<{ items: ShareView[]; total: number }> {
    const [items, total] = await this.em.findAndCount(
      ShareViewSchema,
      { tenantId, shareId },
      { orderBy: { viewedAt: 'desc', id: 'desc' }, limit: pageSize, offset: (page - 1) * pageSize },
    );
    return { items, total };
  }
}
