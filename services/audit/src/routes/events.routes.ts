import { z } from 'zod';
import type { Middleware } from 'koa';
import { ApiRouter } from '@portcullis/shared/http';
import { principalOf } from '@portcullis/shared/auth';
import type { AuditAccessService } from '../services/audit-access.service.js';
import type { EventQueryService } from '../services/event-query.service.js';

export const EventsQuery = z.object({
  type: z.string().regex(/^portcullis\.[a-z]+\.[a-z_]+\.[a-z_]+$/, 'must be a full event type, e.g. portcullis.identity.login.succeeded').optional(),
  actor_id: z.string().min(1).max(64).optional(),
  tenant_id: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const EventItem = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: z.string(),
  type: z.string(),
  time: z.string(),
  subject: z.string(),
  datacontenttype: z.literal('application/json'),
  tenantid: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  sequence: z.string(),
  hash: z.string(),
});

export function eventRoutes(events: EventQueryService, access: AuditAccessService, requireAuth: Middleware): ApiRouter {
  return new ApiRouter('/v1').get('/events', {
    summary: 'Audit events, newest first, in cursor pages',
    tags: ['audit'],
    before: [requireAuth],
    query: EventsQuery,
    responses: { 200: { description: 'A page of events', schema: z.object({ items: z.array(EventItem), next_cursor: z.string().nullable() }) } },
  }, async (ctx, { query }) => {
    const scope = access.scopeFor(principalOf(ctx), 'read', query.tenant_id);
    ctx.body = await events.page(
      {
        type: query.type,
        actorId: query.actor_id,
        tenantId: query.tenant_id,
        ...(scope.all ? {} : { tenantIds: scope.tenantIds }),
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      query.cursor,
      query.limit,
    );
  });
}
