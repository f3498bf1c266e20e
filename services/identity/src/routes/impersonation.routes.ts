import { z } from 'zod';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import { ImpersonationEndedView, ImpersonationStartedView, ImpersonationView } from '@portcullis/shared/contracts';
import { ApiRouter, clientInfo, type AccessGuards } from '@portcullis/shared/http';
import { toPublicImpersonation, type ImpersonationService } from '../services/impersonation.service.js';

export function impersonationRoutes(impersonation: ImpersonationService, guards: AccessGuards): ApiRouter {
  return new ApiRouter('/v1', guards)
    .post('/impersonation', {
      summary: 'Act as another user (needs `users impersonate`, a TOTP sign-in within 15 minutes and a reason); at most 30 minutes, no refresh token',
      operationId: 'startImpersonation',
      tags: ['impersonation'],
      access: { object: 'users', action: 'impersonate' },
      body: z.object({
        target_user_id: z.uuid(),
        reason: z.string().trim().min(1, 'a reason is required').max(500),
        duration_minutes: z.coerce.number().int().min(1).max(24 * 60).optional(),
      }),
      responses: { 201: { description: 'The impersonation token (act: {sub: you})', schema: ImpersonationStartedView } },
      problems: ['step-up-required', 'impersonation-forbidden', 'conflict'],
    }, async (ctx, { body }) => {
      const client = clientInfo(ctx);
      ctx.status = 201;
      ctx.body = await impersonation.start(principalOf(ctx), body, auditContext(ctx), client);
    })
    .post('/impersonation/end', {
      summary: 'End the impersonation, with the impersonation token or your own; the impersonation token stops working everywhere',
      operationId: 'endImpersonation',
      tags: ['impersonation'],
      access: 'authenticated',
      responses: { 200: { description: 'Ended', schema: ImpersonationEndedView } },
      problems: ['not-found'],
    }, async (ctx) => {
      ctx.body = await impersonation.end(principalOf(ctx), auditContext(ctx));
    })
    .get('/impersonation/sessions', {
      summary: 'Impersonation sessions, newest first (platform admins and auditors)',
      tags: ['impersonation'],
      access: { object: 'impersonation', action: 'read' },
      query: z.object({ active: z.enum(['true', 'false']).optional() }),
      responses: { 200: { description: 'Sessions', schema: z.object({ items: z.array(ImpersonationView) }) } },
    }, async (ctx, { query }) => {
      const items = await impersonation.list({ active: query.active === undefined ? undefined : query.active === 'true' });
      ctx.body = { items: items.map((s) => toPublicImpersonation(s)) };
    })
    .get('/impersonation/sessions/:session_id', {
      summary: 'One impersonation session',
      tags: ['impersonation'],
      access: { object: 'impersonation', action: 'read' },
      params: z.object({ session_id: z.uuid() }),
      responses: { 200: { description: 'The session', schema: ImpersonationView } },
    }, async (ctx, { params }) => {
      ctx.body = toPublicImpersonation(await impersonation.get(params.session_id));
    })
    .get('/me/impersonations', {
      summary: 'When you were impersonated, by whom and why',
      operationId: 'listMyImpersonations',
      tags: ['me'],
      access: 'authenticated',
      responses: { 200: { description: 'Sessions', schema: z.object({ items: z.array(ImpersonationView) }) } },
    }, async (ctx) => {
      const items = await impersonation.list({ targetId: principalOf(ctx).user_id });
      ctx.body = { items: items.map((s) => toPublicImpersonation(s)) };
    });
}
