import { z } from 'zod';

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/;

export const TenantIdParams = z.object({ tenant_id: z.uuid() });

/** `?page=&page_size=&sort=field:asc|desc&q=` as the contract's list convention has it. */
export function pageQuery<const F extends readonly [string, ...string[]]>(sortFields: F, defaultSort: `${F[number]}:${'asc' | 'desc'}`) {
  return z.object({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    page_size: z.coerce.number().int().min(1).max(100).default(20),
    sort: z
      .string()
      .regex(new RegExp(`^(${sortFields.join('|')}):(asc|desc)$`), `field:asc|desc with field one of ${sortFields.join(', ')}`)
      .default(defaultSort),
    q: z.string().trim().min(1).max(200).optional(),
  });
}

export function parseSort<F extends string>(sort: string): { field: F; direction: 'asc' | 'desc' } {
  const [field, direction] = sort.split(':');
  return { field: field as F, direction: direction as 'asc' | 'desc' };
}

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

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number(), page_size: z.number(), total: z.number() });

export const RoleList = z.array(z.string().min(1).max(64)).min(1).max(20);
