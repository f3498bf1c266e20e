import { z } from 'zod';
import { principalOf } from '@portcullis/shared/auth';
import { MyTenantView, RoleView } from '@portcullis/shared/contracts';
import { ApiRouter, type AccessGuards } from '@portcullis/shared/http';
import type { MembershipService } from '../services/membership.service.js';
import { toPublicTenant } from '../services/presenters.js';
import type { RoleCatalog } from '../services/role-catalog.js';

export function meRoutes(members: MembershipService, roles: RoleCatalog, guards: AccessGuards): ApiRouter {
  return new ApiRouter('/v1', guards)
    .get('/me/tenants', {
      summary: "The caller's tenants and roles in each",
      operationId: 'listMyTenants',
      tags: ['me'],
      access: 'authenticated',
      responses: { 200: { description: 'Tenants with roles', schema: z.array(MyTenantView) } },
    }, async (ctx) => {
      const memberships = await members.ofUser(principalOf(ctx).user_id);
      ctx.body = memberships.map((m) => ({ tenant: toPublicTenant(m.tenant), roles: m.roles }));
    })
    .get('/roles', {
      summary: 'The roles and their permissions, read from the central policy',
      tags: ['roles'],
      access: 'authenticated',
      responses: { 200: { description: 'Roles', schema: z.object({ items: z.array(RoleView) }) } },
    }, async (ctx) => {
      ctx.body = { items: await roles.describe() };
    });
}
