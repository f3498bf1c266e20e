import { z } from 'zod';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import { TenantView } from '@portcullis/shared/contracts';
import { ApiRouter, type AccessGuards } from '@portcullis/shared/http';
import { toPublicTenant } from '../services/presenters.js';
import type { TenantService } from '../services/tenant.service.js';
import { inTenant, pageOf, pageQuery, parseSort, SLUG, TenantIdParams } from './schemas.js';

const Settings = z.object({ allow_public_shares: z.boolean().optional() }).strict();
const TenantBody = z.object({
  name: z.string().trim().min(1).max(200),
  slug: z.string().regex(SLUG, 'lower-case letters, digits and inner hyphens, 1 to 50 characters'),
  settings: Settings.optional(),
});

export function tenantRoutes(tenants: TenantService, guards: AccessGuards): ApiRouter {
  return new ApiRouter('/v1', guards)
    .post('/tenants', {
      summary: 'Create a tenant (platform admin)',
      tags: ['tenants'],
      access: { object: 'tenant', action: 'create' },
      body: TenantBody,
      responses: { 201: { description: 'Created', schema: TenantView } },
      problems: ['already-exists'],
    }, async (ctx, { body }) => {
      ctx.status = 201;
      ctx.body = toPublicTenant(await tenants.create(body, auditContext(ctx)));
    })
    .get('/tenants', {
      summary: 'Tenants: every one for platform admins, otherwise those the caller belongs to',
      tags: ['tenants'],
      access: 'authenticated',
      query: pageQuery(['name', 'slug', 'created_at'] as const, 'name:asc'),
      responses: { 200: { description: 'A page of tenants', schema: pageOf(TenantView) } },
    }, async (ctx, { query }) => {
      const page = await tenants.list(principalOf(ctx), { q: query.q, sort: parseSort(query.sort), page: query.page, pageSize: query.page_size });
      ctx.body = { items: page.items.map(toPublicTenant), page: query.page, page_size: query.page_size, total: page.total };
    })
    .get('/tenants/:tenant_id', {
      summary: 'One tenant (its members; 404 for anyone else)',
      tags: ['tenants'],
      access: inTenant('tenant', 'read'),
      params: TenantIdParams,
      responses: { 200: { description: 'The tenant', schema: TenantView } },
    }, async (ctx, { params }) => {
      ctx.body = toPublicTenant(await tenants.get(params.tenant_id));
    })
    .patch('/tenants/:tenant_id', {
      summary: 'Rename, change the slug or settings (tenant admin or platform admin)',
      tags: ['tenants'],
      access: inTenant('tenant', 'update'),
      params: TenantIdParams,
      body: TenantBody.partial().refine((b) => Object.keys(b).length > 0, 'send at least one of name, slug, settings'),
      responses: { 200: { description: 'The updated tenant', schema: TenantView } },
      problems: ['already-exists'],
    }, async (ctx, { params, body }) => {
      ctx.body = toPublicTenant(await tenants.update(params.tenant_id, body, auditContext(ctx)));
    })
    .delete('/tenants/:tenant_id', {
      summary: 'Disable a tenant (members lose access at once); ?hard=true with x-confirm-name purges it',
      tags: ['tenants'],
      access: inTenant('tenant', 'delete'),
      params: TenantIdParams,
      query: z.object({ hard: z.enum(['true', 'false']).optional() }),
      responses: { 204: { description: 'Disabled or purged' } },
      problems: ['confirmation-required'],
    }, async (ctx, { params, query }) => {
      if (query.hard === 'true') await tenants.purge(params.tenant_id, ctx.get('x-confirm-name') || undefined, auditContext(ctx));
      else await tenants.disable(params.tenant_id, auditContext(ctx));
      ctx.status = 204;
    });
}
