import { z } from 'zod';
import { CheckBatchResultView, CheckResultView } from '@portcullis/shared/contracts';
import { ApiRouter, type AccessGuards } from '@portcullis/shared/http';
import { principalOf } from '@portcullis/shared/auth';
import type { DecisionService } from '../services/decision.service.js';

const name = z.string().min(1).max(200).regex(/^[A-Za-z0-9_:.*-]+$/, 'letters, digits and _ : . * - only');

export const CheckBody = z.object({
  subject: name.optional(),
  tenant_id: z.uuid().optional(),
  object: name,
  action: name,
});


export function checkRoutes(decisions: DecisionService, guards: AccessGuards): ApiRouter {
  return new ApiRouter('/v1', guards)
    .post('/check', {
      summary: 'May the subject (default: the caller) do this action to this object?',
      operationId: 'check',
      tags: ['decisions'],
      access: 'grant-tokens',
      body: CheckBody,
      responses: { 200: { description: 'The decision and why', schema: CheckResultView } },
    }, (ctx, { body }) => {
      ctx.body = decisions.check(principalOf(ctx), body);
    })
    .post('/check/batch', {
      summary: 'Up to 100 checks at once; results in the same order',
      operationId: 'checkBatch',
      tags: ['decisions'],
      access: 'grant-tokens',
      body: z.object({ checks: z.array(CheckBody).min(1).max(100) }),
      responses: { 200: { description: 'The decisions', schema: CheckBatchResultView } },
    }, (ctx, { body }) => {
      const caller = principalOf(ctx);
      ctx.body = { results: body.checks.map((check) => decisions.check(caller, check)) };
    });
}
