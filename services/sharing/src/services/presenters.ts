import type { Share as PublicShare, ShareViewLogEntry } from '@portcullis/shared/contracts';
import type { Share } from '../entities/share.entity.js';
import type { ShareView } from '../entities/share-view.entity.js';

/** active, revoked, or — read off the row — expired or exhausted (out of views). */
export function shareStatus(share: Share, now = new Date()): PublicShare['status'] {
  if (share.status !== 'active') return share.status;
  if (share.expiresAt && share.expiresAt <= now) return 'expired';
  if (share.maxViews != null && share.viewCount >= share.maxViews) return 'exhausted';
  return 'active';
}

/** Typed by the public views (shared/contracts/views.ts): what is answered is what is documented. */
export function toPublicShare(share: Share): PublicShare {
  return {
    id: share.id,
    tenant_id: share.tenantId,
    resource_type: share.resourceType,
    resource_id: share.resourceId,
    visibility: share.visibility,
    name: share.name ?? null,
    permissions: share.permissions,
    status: shareStatus(share),
    created_by: share.createdBy,
    created_at: share.createdAt.toISOString(),
    expires_at: share.expiresAt?.toISOString() ?? null,
    max_views: share.maxViews ?? null,
    view_count: share.viewCount,
    revoked_at: share.revokedAt?.toISOString() ?? null,
    revoked_reason: share.revokedReason ?? null,
  };
}

export function toPublicView(view: ShareView): ShareViewLogEntry {
  return {
    id: view.id,
    viewer_user_id: view.viewerUserId ?? null,
    anonymous: !view.viewerUserId,
    ip: view.ip ?? null,
    user_agent: view.userAgent ?? null,
    viewed_at: view.viewedAt.toISOString(),
  };
}
