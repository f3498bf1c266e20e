import { z } from 'zod';
import type { Middleware } from 'koa';
import { ApiRouter } from '@portcullis/shared/http';
import { principalOf } from '@portcullis/shared/auth';
import type { DecisionService } from '../services/decision.service.js';

export function subjectRoutes(decisions: DecisionService, requireAuth: Middleware): ApiRouter {
  return new ApiRouter('/v1')
    .get('/subjects/:user_id/permissions', {
      summary: "A user's permissions in a tenant (or the platform)",
      tags: ['subjects'],
      before: [requireAuth],
      params: z.object({ user_id: z.string().min(1).max(200) }),
      query: z.object({ tenant_id: z.uuid().optional() }),
      responses: { 200: { description: 'Allowed object/action pairs', schema: z.object({ items: z.array(z.object({ object: z.string(), action: z.string() })) }) } },
    }, (ctx, { params, query }) => {
      ctx.body = { items: decisions.permissions(principalOf(ctx), params.user_id, query.tenant_id) };
    })
    .get('/tenants/:tenant_id/subjects', {
      summary: 'Who may do an action to an object in a tenant',
      tags: ['subjects'],
      before: [requireAuth],
      params: z.object({ tenant_id: z.uuid() }),
      query: z.object({ object: z.string().min(1).max(200), action: z.string().min(1).max(200) }),
      responses: { 200: { description: 'Subjects and the roles they hold', schema: z.object({ items: z.array(z.object({ subject: z.string(), roles: z.array(z.string()) })) }) } },
    }, (ctx, { params, query }) => {
      ctx.body = { items: decisions.subjectsWho(principalOf(ctx), params.tenant_id, query.object, query.action) };
    });
}
