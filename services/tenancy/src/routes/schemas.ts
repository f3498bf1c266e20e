import { z } from 'zod';
export { pageOf, pageQuery, parseSort } from '@portcullis/shared/http';

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/;

export const TenantIdParams = z.object({ tenant_id: z.uuid() });

export const TenantView = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  status: z.enum(['active', 'disabled']),
  settings: z.object({ allow_public_shares: z.boolean() }),
  created_at: z.string(),
  updated_at: z.string(),
  disabled_at: z.string().optional(),
});

export const MemberView = z.object({
  tenant_id: z.uuid(),
  user_id: z.uuid(),
  email: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});

export const InvitationView = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  email: z.string(),
  roles: z.array(z.string()),
  status: z.enum(['pending', 'accepted', 'revoked', 'replaced', 'expired']),
  invited_by: z.uuid().nullable(),
  expires_at: z.string(),
  created_at: z.string(),
  accepted_at: z.string().optional(),
  accepted_by: z.uuid().nullable().optional(),
});

export const RoleList = z.array(z.string().min(1).max(64)).min(1).max(20);
