import { z } from 'zod';
import type { Middleware } from 'koa';
import { principalOf } from '@portcullis/shared/auth';
import { ApiRouter } from '@portcullis/shared/http';
import type { MembershipService } from '../services/membership.service.js';
import { toPublicTenant } from '../services/presenters.js';
import type { RoleCatalog } from '../services/role-catalog.js';
import { TenantView } from './schemas.js';

export function meRoutes(members: MembershipService, roles: RoleCatalog, requireAuth: Middleware): ApiRouter {
  return new ApiRouter('/v1')
    .get('/me/tenants', {
      summary: "The caller's tenants and roles in each",
      tags: ['me'],
      before: [requireAuth],
      responses: { 200: { description: 'Tenants with roles', schema: z.array(z.object({ tenant: TenantView, roles: z.array(z.string()) })) } },
    }, async (ctx) => {
      const memberships = await members.ofUser(principalOf(ctx).user_id);
      ctx.body = memberships.map((m) => ({ tenant: toPublicTenant(m.tenant), roles: m.roles }));
    })
    .get('/roles', {
      summary: 'The roles and their permissions, read from the central policy',
      tags: ['roles'],
      before: [requireAuth],
      responses: {
        200: {
          description: 'Roles',
          schema: z.object({
            items: z.array(z.object({
              name: z.string(),
              domain: z.enum(['tenant', 'platform']),
              description: z.string().optional(),
              permissions: z.array(z.object({ object: z.string(), action: z.string() })),
            })),
          }),
        },
      },
    }, async (ctx) => {
      ctx.body = { items: await roles.describe() };
    });
}
