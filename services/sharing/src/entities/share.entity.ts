import { EntitySchema } from '@mikro-orm/core';

export type ShareVisibility = 'public' | 'tenant';
/** active → revoked (by a person, or because the tenant was disabled or deleted). Expiry and view limits are read off the row. */
export type ShareStatus = 'active' | 'revoked';

export interface Share {
  id: string;
  tenantId: string;
  resourceType: string;
  resourceId: string;
  visibility: ShareVisibility;
  name?: string | null;
  /** SHA-256 (hex) of the token; the token itself is shown once and never stored. */
  tokenHash: string;
  /** What the link's subject may do to the resource (the policy holds one rule per permission). */
  permissions: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt?: Date | null;
  maxViews?: number | null;
  viewCount: number;
  status: ShareStatus;
  revokedAt?: Date | null;
  revokedBy?: string | null;
  revokedReason?: string | null;
}

export const ShareSchema = new EntitySchema<Share>({
  name: 'Share',
  tableName: 'shares',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'uuid', fieldName: 'tenant_id' },
    resourceType: { type: 'text', fieldName: 'resource_type' },
    resourceId: { type: 'text', fieldName: 'resource_id' },
    visibility: { type: 'text' },
    name: { type: 'text', nullable: true },
    tokenHash: { type: 'text', fieldName: 'token_hash' },
    permissions: { type: 'json', columnType: 'jsonb' },
    createdBy: { type: 'uuid', fieldName: 'created_by' },
    createdAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'created_at' },
    expiresAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'expires_at', nullable: true },
    maxViews: { type: 'integer', fieldName: 'max_views', nullable: true },
    viewCount: { type: 'integer', fieldName: 'view_count' },
    status: { type: 'text' },
    revokedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'revoked_at', nullable: true },
    revokedBy: { type: 'uuid', fieldName: 'revoked_by', nullable: true },
    revokedReason: { type: 'text', fieldName: 'revoked_reason', nullable: true },
  },
});
