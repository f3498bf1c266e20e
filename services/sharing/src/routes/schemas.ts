import { z } from 'zod';

export const TenantIdParams = z.object({ tenant_id: z.uuid() });
export const ShareParams = TenantIdParams.extend({ share_id: z.uuid() });

export const ShareView = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  resource_type: z.string(),
  resource_id: z.string(),
  visibility: z.enum(['public', 'tenant']),
  name: z.string().nullable(),
  permissions: z.array(z.string()),
  status: z.enum(['active', 'revoked', 'expired', 'exhausted']),
  created_by: z.uuid(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  max_views: z.number().nullable(),
  view_count: z.number(),
  revoked_at: z.string().nullable(),
  revoked_reason: z.string().nullable(),
});

export const ShareViewLogEntry = z.object({
  id: z.uuid(),
  viewer_user_id: z.uuid().nullable(),
  anonymous: z.boolean(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  viewed_at: z.string(),
});
