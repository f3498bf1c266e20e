import { z } from 'zod';
import { auditContext } from '@portcullis/shared/auth';
import { MemberView } from '@portcullis/shared/contracts';
import { ApiRouter, type AccessGuards } from '@portcullis/shared/http';
import type { MembershipService } from '../services/membership.service.js';
import { toPublicMember } from '../services/presenters.js';
import { inTenant, pageOf, pageQuery, parseSort, RoleList, TenantIdParams } from './schemas.js';

const MemberParams = TenantIdParams.extend({ user_id: z.uuid() });
/** `me` stands for the caller (leaving a tenant). */
const MemberOrMeParams = TenantIdParams.extend({ user_id: z.union([z.uuid(), z.literal('me')]) });
const MembersQuery = pageQuery(['email', 'name', 'created_at'] as const, 'email:asc').extend({
  'filter[role]': z.string().min(1).max(64).optional(),
});

export function memberRoutes(members: MembershipService, guards: AccessGuards): ApiRouter {
  return new ApiRouter('/v1', guards)
    .get('/tenants/:tenant_id/members', {
      summary: "Members, with search (q: email or name), filter[role], sort and pages (the tenant's admins and platform admins)",
      tags: ['members'],
      access: inTenant('members', 'read'),
      params: TenantIdParams,
      query: MembersQuery,
      responses: { 200: { description: 'A page of members', schema: pageOf(MemberView) } },
    }, async (ctx, { params, query }) => {
      const page = await members.list({
        tenantId: params.tenant_id,
        q: query.q,
        role: query['filter[role]'],
        sort: parseSort(query.sort),
        page: query.page,
        pageSize: query.page_size,
      });
      ctx.body = { items: page.items.map(toPublicMember), page: query.page, page_size: query.page_size, total: page.total };
    })
    .post('/tenants/:tenant_id/members', {
      summary: 'Add a user with roles (409 already a member, 400 unknown role, 404 unknown user)',
      tags: ['members'],
      access: inTenant('members', 'create'),
      params: TenantIdParams,
      body: z.object({ user_id: z.uuid(), roles: RoleList }),
      responses: { 201: { description: 'The membership', schema: MemberView } },
      problems: ['already-member', 'tenant-disabled'],
    }, async (ctx, { params, body }) => {
      ctx.status = 201;
      ctx.body = toPublicMember(await members.add(params.tenant_id, body, auditContext(ctx)));
    })
    .put('/tenants/:tenant_id/members/:user_id/roles', {
      summary: "Replace a member's roles (the last admin cannot be demoted: 409)",
      tags: ['members'],
      access: inTenant('members', 'update'),
      params: MemberParams,
      body: z.object({ roles: RoleList }),
      responses: { 200: { description: 'The membership', schema: MemberView } },
      problems: ['last-admin', 'tenant-disabled'],
    }, async (ctx, { params, body }) => {
      ctx.body = toPublicMember(await members.replaceRoles(params.tenant_id, params.user_id, body.roles, auditContext(ctx)));
    })
    .delete('/tenants/:tenant_id/members/:user_id', {
      summary: 'Remove a member, or leave (`me`); the last admin cannot go (409)',
      tags: ['members'],
      access: { ...inTenant('members', 'delete'), self: 'user_id' },
      params: MemberOrMeParams,
      responses: { 204: { description: 'Removed' } },
      problems: ['last-admin', 'tenant-disabled'],
    }, async (ctx, { params }) => {
      // The guard has put the caller's id in place of `me`.
      await members.remove(params.tenant_id, params.user_id, auditContext(ctx));
      ctx.status = 204;
    });
}
