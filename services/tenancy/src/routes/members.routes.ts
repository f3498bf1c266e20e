import { z } from 'zod';
import type { Context, Middleware, Next } from 'koa';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import { tenantDomain, type Authorizer } from '@portcullis/shared/authz';
import { ApiRouter, NotFound } from '@portcullis/shared/http';
import type { MembershipService } from '../services/membership.service.js';
import { toPublicMember } from '../services/presenters.js';
import { authorizeInTenant } from './tenant-guard.js';
import { MemberView, pageOf, pageQuery, parseSort, RoleList, TenantIdParams } from './schemas.js';

const MemberParams = TenantIdParams.extend({ user_id: z.uuid() });
const MembersQuery = pageQuery(['email', 'name', 'created_at'] as const, 'email:asc').extend({
  'filter[role]': z.string().min(1).max(64).optional(),
});

type Params = { params: { tenant_id?: string; user_id?: string } };

/** `me` (or the caller's own id) may leave any tenant they belong to; anyone else needs `members delete`. */
function selfOrAuthorized(authorizer: Authorizer): Middleware {
  const othersGuard = authorizeInTenant(authorizer, 'members', 'delete');
  return async (ctx: Context, next: Next) => {
    const { params } = ctx as unknown as Params;
    const principal = principalOf(ctx);
    if (params.user_id === 'me' || params.user_id === principal.user_id) {
      if (!authorizer.isAllowed(principal, tenantDomain(params.tenant_id ?? ''), 'tenant', 'read')) throw new NotFound();
      params.user_id = principal.user_id;
      return next();
    }
    return othersGuard(ctx, next);
  };
}

export function memberRoutes(members: MembershipService, authorizer: Authorizer, requireAuth: Middleware): ApiRouter {
  return new ApiRouter('/v1')
    .get('/tenants/:tenant_id/members', {
      summary: 'Members, with search (q: email or name), filter[role], sort and pages',
      tags: ['members'],
      before: [requireAuth, authorizeInTenant(authorizer, 'members', 'read')],
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
      before: [requireAuth, authorizeInTenant(authorizer, 'members', 'create')],
      params: TenantIdParams,
      body: z.object({ user_id: z.uuid(), roles: RoleList }),
      responses: { 201: { description: 'The membership', schema: MemberView } },
    }, async (ctx, { params, body }) => {
      ctx.status = 201;
      ctx.body = toPublicMember(await members.add(params.tenant_id, body, auditContext(ctx)));
    })
    .put('/tenants/:tenant_id/members/:user_id/roles', {
      summary: "Replace a member's roles (the last admin cannot be demoted: 409)",
      tags: ['members'],
      before: [requireAuth, authorizeInTenant(authorizer, 'members', 'update')],
      params: MemberParams,
      body: z.object({ roles: RoleList }),
      responses: { 200: { description: 'The membership', schema: MemberView } },
    }, async (ctx, { params, body }) => {
      ctx.body = toPublicMember(await members.replaceRoles(params.tenant_id, params.user_id, body.roles, auditContext(ctx)));
    })
    .delete('/tenants/:tenant_id/members/:user_id', {
      summary: 'Remove a member, or leave (`me`); the last admin cannot go (409)',
      tags: ['members'],
      before: [requireAuth, selfOrAuthorized(authorizer)],
      params: MemberParams,
      responses: { 204: { description: 'Removed' } },
    }, async (ctx, { params }) => {
      await members.remove(params.tenant_id, params.user_id, auditContext(ctx));
      ctx.status = 204;
    });
}
