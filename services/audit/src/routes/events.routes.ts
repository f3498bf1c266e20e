import { z } from 'zod';
import { AuditEventPageView, ChainVerificationView } from '@portcullis/shared/contracts';
import { ApiRouter, MAX_PAGE_SIZE, type AccessGuards } from '@portcullis/shared/http';
import { assertSessionLive, principalOf, type SessionChecks } from '@portcullis/shared/auth';
import { isSequence, type EventFilter } from '../repositories/event.repository.js';
import type { AuditAccessService, AuditScope } from '../services/audit-access.service.js';
import type { ChainVerifier } from '../services/chain-verifier.js';
import type { EventExporter } from '../services/event-export.js';
import type { EventQueryService } from '../services/event-query.service.js';
import type { LiveEvents } from '../services/live-events.js';

// ISO 8601 has a year 0000 (1 BC); Postgres does not, and would fail the query with a 500.
const Instant = z.iso.datetime({ offset: true }).refine((value) => new Date(value).getUTCFullYear() >= 1, 'must be in year 1 or later');

export const EventsQuery = z.object({
  type: z.string().regex(/^portcullis\.[a-z]+\.[a-z_]+\.[a-z_]+$/, 'must be a full event type, e.g. portcullis.identity.login.succeeded').optional(),
  actor_id: z.string().min(1).max(64).optional(),
  tenant_id: z.uuid().optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1_000_000).default(50).transform((limit) => Math.min(limit, MAX_PAGE_SIZE)),
});

const StreamQuery = EventsQuery.omit({ cursor: true, limit: true }).extend({
  /** For clients that cannot send the Last-Event-ID header (the header wins). */
  last_event_id: z.string().regex(/^\d{1,19}$/).refine(isSequence, 'a sequence number up to 2^63 − 1').optional(),
});
const ExportQuery = EventsQuery.omit({ cursor: true, limit: true }).extend({ format: z.enum(['ndjson', 'csv']).default('ndjson') });
const Sequence = z.string().regex(/^\d{1,19}$/, 'a sequence number').refine(isSequence, 'a sequence number up to 2^63 − 1');

type Filters = z.infer<typeof StreamQuery>;

/** The query's filters within the caller's scope, as the repository takes them. */
function filterOf(query: Omit<Filters, 'last_event_id'>, scope: AuditScope): Omit<EventFilter, 'beforeSequence' | 'afterSequence'> {
  return {
    type: query.type,
    actorId: query.actor_id,
    tenantId: query.tenant_id,
    ...(scope.all ? {} : { tenantIds: scope.tenantIds }),
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  };
}

export interface AuditReaders {
  events: EventQueryService;
  live: LiveEvents;
  exporter: EventExporter;
  verifier: ChainVerifier;
  access: AuditAccessService;
}

export function eventRoutes(readers: AuditReaders, guards: AccessGuards, sessionChecks: SessionChecks): ApiRouter {
  const { events, live, exporter, verifier, access } = readers;
  return new ApiRouter('/v1', guards).get('/events', {
    summary: 'Audit events, newest first, in cursor pages (limit above 100 is served as 100)',
    operationId: 'listEvents',
    tags: ['audit'],
    access: 'authenticated',
    query: EventsQuery,
    responses: { 200: { description: 'A page of events', schema: AuditEventPageView } },
    problems: ['forbidden'],
  }, async (ctx, { query }) => {
    const scope = access.scopeFor(principalOf(ctx), 'read', query.tenant_id);
    ctx.body = await events.page(filterOf(query, scope), query.cursor, query.limit);
  })
    .get('/events/stream', {
      summary: 'Server-sent events: each new event as it is stored (same filters and rights as the list); resume with Last-Event-ID. Ends (event `end`) within a second of the session ending or the right being lost',
      operationId: 'streamEvents',
      tags: ['audit'],
      access: 'authenticated',
      query: StreamQuery,
      responses: { 200: { description: '`id:` is the sequence, `data:` the event with sequence and hash', contentType: 'text/event-stream' } },
      problems: ['forbidden'],
    }, async (ctx, { query }) => {
      const principal = principalOf(ctx);
      const scope = access.scopeFor(principal, 'read', query.tenant_id);
      const opened = JSON.stringify(scope);
      // The right to watch is asked again while the stream is open: sign-out, revocation or a changed scope ends it.
      const stillAllowed = async (): Promise<string | undefined> => {
        try {
          await assertSessionLive(principal, sessionChecks);
          if (JSON.stringify(access.scopeFor(principal, 'read', query.tenant_id)) !== opened) return 'scope_changed';
          return undefined;
        } catch (error) {
          const status = (error as { status?: number }).status;
          return status === 401 ? 'session_ended' : status === 503 ? 'revocations_unavailable' : 'no_longer_allowed';
        }
      };
      const gone = new AbortController();
      ctx.req.once('close', () => gone.abort());
      const stream = await live.open(filterOf(query, scope), {
        lastEventId: ctx.get('last-event-id') || query.last_event_id,
        endsAt: principal.expires_at,
        signal: gone.signal,
        stillAllowed,
      });
      ctx.req.socket.setTimeout(0);
      ctx.req.socket.setNoDelay(true);
      ctx.set('cache-control', 'no-cache');
      ctx.set('x-accel-buffering', 'no');
      ctx.type = 'text/event-stream';
      ctx.body = stream;
    })
    .get('/events/export', {
      summary: 'Every matching event, oldest first, streamed as NDJSON (the events as listed) or CSV (flattened, plus the event as JSON); needs `audit export`',
      operationId: 'exportEvents',
      tags: ['audit'],
      access: 'authenticated',
      query: ExportQuery,
      responses: { 200: { description: 'application/x-ndjson (or text/csv with format=csv), streamed', contentType: 'application/x-ndjson' } },
      problems: ['forbidden'],
    }, async (ctx, { query }) => {
      const scope = access.scopeFor(principalOf(ctx), 'export', query.tenant_id);
      const body = await exporter.stream(filterOf(query, scope), query.format);
      ctx.type = query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson';
      ctx.attachment(`audit-events.${query.format}`);
      ctx.body = body;
    })
    .get('/verify', {
      summary: 'Recompute the hash chain (optionally between two sequences) and name the first altered or missing event',
      operationId: 'verifyChain',
      tags: ['audit'],
      // The chain spans every tenant: verifying it is for those who may read the whole trail.
      access: { object: 'audit', action: 'read' },
      query: z.object({ from: Sequence.optional(), to: Sequence.optional() }),
      responses: { 200: { description: 'ok, how many events were checked, and the first invalid one', schema: ChainVerificationView } },
    }, async (ctx, { query }) => {
      ctx.body = await verifier.verify({ fromSequence: query.from, toSequence: query.to });
    });
}
