import { z } from 'zod';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import { CreatedShareView, ShareView, ShareViewLogEntryView } from '@portcullis/shared/contracts';
import { ApiRouter, PageNumber, PageSize, pageOf, pageQuery, parseSort, type AccessGuards } from '@portcullis/shared/http';
import type { ShareSortField } from '../repositories/share.repository.js';
import { toPublicShare, toPublicView } from '../services/presenters.js';
import type { ShareService } from '../services/share.service.js';
import { ShareParams, TenantIdParams } from './schemas.js';

const inTenant = (object: string, action: string) => ({ object, action, tenant: 'tenant_id' });

const NewShareBody = z.object({
  resource_type: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'a resource type: lowercase letters, digits, _ and -'),
  resource_id: z.string().min(1).max(200).regex(/^[A-Za-z0-9._~-]+$/, 'letters, digits and . _ ~ - only'),
  visibility: z.enum(['public', 'tenant']),
  expires_at: z.iso.datetime({ offset: true }).transform((value) => new Date(value)).optional(),
  max_views: z.number().int().min(1).max(1_000_000).optional(),
  name: z.string().trim().min(1).max(200).optional(),
});

const ListQuery = pageQuery(['created_at', 'expires_at', 'name', 'view_count'] as const, 'created_at:desc').extend({
  'filter[status]': z.enum(['active', 'revoked']).optional(),
  'filter[resource_type]': z.string().max(63).optional(),
});

export function shareRoutes(shares: ShareService, guards: AccessGuards): ApiRouter {
  return new ApiRouter('/v1', guards)
    .post('/tenants/:tenant_id/shares', {
      summary: 'A link to one resource; needs the `share` permission on its type. The token is in this response only',
      tags: ['shares'],
      access: inTenant('shares', 'create'),
      params: TenantIdParams,
      body: NewShareBody,
      responses: { 201: { description: 'The link, its token and URL', schema: CreatedShareView } },
      problems: ['public-shares-disabled'],
    }, async (ctx, { params, body }) => {
      const { share, token } = await shares.create(params.tenant_id, principalOf(ctx), body, auditContext(ctx));
      ctx.status = 201;
      ctx.body = { ...toPublicShare(share), token, url: shares.linkUrl(token) };
    })
    .get('/tenants/:tenant_id/shares', {
      summary: "The caller's links (everyone's for those who manage the tenant's shares), newest first",
      tags: ['shares'],
      access: inTenant('shares', 'read'),
      params: TenantIdParams,
      query: ListQuery,
      responses: { 200: { description: 'A page of links', schema: pageOf(ShareView) } },
    }, async (ctx, { params, query }) => {
      const page = await shares.list(params.tenant_id, principalOf(ctx), {
        page: query.page,
        pageSize: query.page_size,
        sort: parseSort<ShareSortField>(query.sort),
        ...(query['filter[status]'] ? { status: query['filter[status]'] } : {}),
        ...(query['filter[resource_type]'] ? { resourceType: query['filter[resource_type]'] } : {}),
      });
      ctx.body = { items: page.items.map(toPublicShare), page: query.page, page_size: query.page_size, total: page.total };
    })
    .get('/tenants/:tenant_id/shares/:share_id', {
      summary: "One link (the creator's, or any for those who manage the tenant's shares; else 404)",
      tags: ['shares'],
      access: inTenant('shares', 'read'),
      params: ShareParams,
      responses: { 200: { description: 'The link', schema: ShareView } },
    }, async (ctx, { params }) => {
      ctx.body = toPublicShare(await shares.get(params.tenant_id, params.share_id, principalOf(ctx)));
    })
    .delete('/tenants/:tenant_id/shares/:share_id', {
      summary: 'Revoke a link: it stops resolving and its grant leaves the policy everywhere at once',
      tags: ['shares'],
      access: inTenant('shares', 'delete'),
      params: ShareParams,
      responses: { 204: { description: 'Revoked' } },
    }, async (ctx, { params }) => {
      await shares.revoke(params.tenant_id, params.share_id, principalOf(ctx), auditContext(ctx));
      ctx.status = 204;
    })
    .get('/tenants/:tenant_id/shares/:share_id/views', {
      summary: 'Who opened the link (a user id, or anonymous), from where, when; newest first',
      tags: ['shares'],
      access: inTenant('shares', 'read'),
      params: ShareParams,
      query: z.object({ page: PageNumber, page_size: PageSize }),
      responses: { 200: { description: 'A page of views', schema: pageOf(ShareViewLogEntryView) } },
    }, async (ctx, { params, query }) => {
      const page = await shares.views(params.tenant_id, params.share_id, principalOf(ctx), query.page, query.page_size);
      ctx.body = { items: page.items.map(toPublicView), page: query.page, page_size: query.page_size, total: page.total };
    });
}
