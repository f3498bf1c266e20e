import { z } from 'zod';
import type { Middleware } from 'koa';
import { ApiRouter, clientInfo } from '@portcullis/shared/http';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import { authorize, type Authorizer } from '@portcullis/shared/authz';
import { toPublicImpersonation, type ImpersonationService } from '../services/impersonation.service.js';

const ImpersonationView = z.object({
  id: z.uuid(),
  impersonator: z.object({ id: z.uuid(), email: z.string().nullable() }),
  target: z.object({ id: z.uuid(), email: z.string().nullable() }),
  reason: z.string(),
  started_at: z.string(),
  expires_at: z.string(),
  ended_at: z.string().nullable(),
  end_reason: z.string().nullable(),
  active: z.boolean(),
  duration_seconds: z.number(),
});

export function impersonationRoutes(impersonation: ImpersonationService, authorizer: Authorizer, requireAuth: Middleware): ApiRouter {
  return new ApiRouter('/v1')
    .post('/impersonation', {
      summary: 'Act as another user (needs `users impersonate`, a TOTP sign-in within 15 minutes and a reason); at most 30 minutes, no refresh token',
      tags: ['impersonation'],
      before: [requireAuth, authorize(authorizer, 'users', 'impersonate')],
      body: z.object({
        target_user_id: z.uuid(),
        reason: z.string().trim().min(1, 'a reason is required').max(500),
        duration_minutes: z.coerce.number().int().min(1).max(24 * 60).optional(),
      }),
      responses: {
        201: {
          description: 'The impersonation token (act: {sub: you})',
          schema: z.object({ session_id: z.uuid(), access_token: z.string(), token_type: z.literal('Bearer'), expires_at: z.string(), target_user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }) }),
        },
        400: { description: 'No reason, or yourself' },
        403: { description: 'No permission, no recent second factor (type …/step-up-required), a platform admin target, or an impersonation token' },
      },
    }, async (ctx, { body }) => {
      const client = clientInfo(ctx);
      ctx.status = 201;
      ctx.body = await impersonation.start(principalOf(ctx), body, auditContext(ctx), client);
    })
    .post('/impersonation/end', {
      summary: 'End the impersonation, with the impersonation token or your own; the impersonation token stops working everywhere',
      tags: ['impersonation'],
      before: [requireAuth],
      responses: { 200: { description: 'Ended', schema: z.object({ session_id: z.uuid(), duration_seconds: z.number() }) }, 404: { description: 'None open' } },
    }, async (ctx) => {
      ctx.body = await impersonation.end(principalOf(ctx), auditContext(ctx));
    })
    .get('/impersonation/sessions', {
      summary: 'Impersonation sessions, newest first (platform admins and auditors)',
      tags: ['impersonation'],
      before: [requireAuth, authorize(authorizer, 'impersonation', 'read')],
      query: z.object({ active: z.enum(['true', 'false']).optional() }),
      responses: { 200: { description: 'Sessions', schema: z.object({ items: z.array(ImpersonationView) }) } },
    }, async (ctx, { query }) => {
      const items = await impersonation.list({ active: query.active === undefined ? undefined : query.active === 'true' });
      ctx.body = { items: items.map((s) => toPublicImpersonation(s)) };
    })
    .get('/impersonation/sessions/:session_id', {
      summary: 'One impersonation session',
      tags: ['impersonation'],
      before: [requireAuth, authorize(authorizer, 'impersonation', 'read')],
      params: z.object({ session_id: z.uuid() }),
      responses: { 200: { description: 'The session', schema: ImpersonationView } },
    }, async (ctx, { params }) => {
      ctx.body = toPublicImpersonation(await impersonation.get(params.session_id));
    })
    .get('/me/impersonations', {
      summary: 'When you were impersonated, by whom and why',
      tags: ['me'],
      before: [requireAuth],
      responses: { 200: { description: 'Sessions', schema: z.object({ items: z.array(ImpersonationView) }) } },
    }, async (ctx) => {
      const items = await impersonation.list({ targetId: principalOf(ctx).user_id });
      ctx.body = { items: items.map((s) => toPublicImpersonation(s)) };
    });
}
