import { EntitySchema } from '@mikro-orm/core';

/** One successful resolve of a link: who (a signed-in viewer, or nobody for a public link), from where, when. */
export interface ShareView {
  id: string;
  shareId: string;
  tenantId: string;
  viewerUserId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  viewedAt: Date;
}

export const ShareViewSchema = new EntitySchema<ShareView>({
  name: 'ShareView',
  tableName: 'share_views',
  properties: {
    id: { type: 'uuid', primary: true },
    shareId: { type: 'uuid', fieldName: 'share_id' },
    tenantId: { type: 'uuid', fieldName: 'tenant_id' },
    viewerUserId: { type: 'uuid', fieldName: 'viewer_user_id', nullable: true },
    ip: { type: 'text', nullable: true },
    userAgent: { type: 'text', fieldName: 'user_agent', nullable: true },
    viewedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'viewed_at' },
  },
});
