import { z } from 'zod';
import type { Middleware } from 'koa';
import { ApiRouter } from '@portcullis/shared/http';
import { principalOf } from '@portcullis/shared/auth';
import type { DecisionService } from '../services/decision.service.js';

const name = z.string().min(1).max(200).regex(/^[A-Za-z0-9_:.*-]+$/, 'letters, digits and _ : . * - only');

export const CheckBody = z.object({
  subject: name.optional(),
  tenant_id: z.uuid().optional(),
  object: name,
  action: name,
});

const CheckResult = z.object({
  allowed: z.boolean(),
  reason: z.object({ matched_policy: z.array(z.string()).optional(), via_roles: z.array(z.string()).optional() }),
});

export function checkRoutes(decisions: DecisionService, requireAuth: Middleware): ApiRouter {
  return new ApiRouter('/v1')
    .post('/check', {
      summary: 'May the subject (default: the caller) do this action to this object?',
      tags: ['decisions'],
      before: [requireAuth],
      body: CheckBody,
      responses: { 200: { description: 'The decision and why', schema: CheckResult } },
    }, (ctx, { body }) => {
      ctx.body = decisions.check(principalOf(ctx), body);
    })
    .post('/check/batch', {
      summary: 'Up to 100 checks at once; results in the same order',
      tags: ['decisions'],
      before: [requireAuth],
      body: z.object({ checks: z.array(CheckBody).min(1).max(100) }),
      responses: { 200: { description: 'The decisions', schema: z.object({ results: z.array(CheckResult) }) } },
    }, (ctx, { body }) => {
      const caller = principalOf(ctx);
      ctx.body = { results: body.checks.map((check) => decisions.check(caller, check)) };
    });
}
