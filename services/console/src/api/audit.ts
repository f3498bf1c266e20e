import { fetchEventSource } from '@microsoft/fetch-event-source';
import type { AuditEventItem, AuditEventPage, ChainVerification } from '@portcullis/shared/contracts/views';
import { call, refreshOnce, send, toError } from './client';
import { readClaims } from './jwt';
import { ApiError } from './problem';
import { session } from './session';

/**
 * A stored audit event: the CloudEvent as published, plus its place in the hash chain. The view promises no shape for
 * `data` (an object of any fields): read it with `readEventData` (lib/event-data).
 */
export type AuditEvent = AuditEventItem;

/** The list's filters; `from` and `to` are RFC 3339. Empty ones are left out. */
export interface AuditFilters {
  tenant_id?: string;
  actor_id?: string;
  type?: string;
  from?: string;
  to?: string;
}

export type ChainCheck = ChainVerification;

export type ExportFormat = 'ndjson' | 'csv';

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  return search.toString();
}

export const audit = {
  /** Newest first; pass the previous page's next_cursor for the next. */
  events: (filters: AuditFilters, cursor?: string, limit = 50) =>
    call<AuditEventPage>('GET', `/audit/v1/events?${query({ ...filters, cursor, limit: String(limit) })}`),
  verify: () => call<ChainCheck>('GET', '/audit/v1/verify'),
  /** The whole matching trail as a file (needs `audit export`). */
  async export(filters: AuditFilters, format: ExportFormat): Promise<{ blob: Blob; filename: string }> {
    const response = await send('GET', `/audit/v1/events/export?${query({ ...filters, format })}`, {
      headers: { accept: format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
    });
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `audit-events.${format}`;
    return { blob: await response.blob(), filename };
  },
};

export type TailStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface TailHandlers {
  onEvent: (event: AuditEvent) => void;
  onStatus: (status: TailStatus) => void;
  /** A refusal that retrying will not fix (403, a bad filter, a session that ended); the tail has stopped. */
  onFatal: (error: unknown) => void;
}

/**
 * Follows GET /events/stream until `signal` aborts. The server ends the stream when the access token expires, so
 * each connection is made with the current bearer, and a closed or refused (401) one is reopened after a refresh,
 * resuming after the last sequence received (Last-Event-ID). The library's own retry would resend the old token,
 * so every failure comes back here instead.
 */
export async function tailEvents(filters: AuditFilters, since: string | undefined, handlers: TailHandlers, signal: AbortSignal): Promise<void> {
  let lastId = since;
  let failures = 0;
  let refreshedForThisConnection = false;
  let openedBefore = false;
  while (!signal.aborted) {
    handlers.onStatus(openedBefore || failures ? 'reconnecting' : 'connecting');
    try {
      await fetchEventSource(`/audit/v1/events/stream?${query({ ...filters })}`, {
        headers: {
          authorization: `Bearer ${session.bearer() ?? ''}`,
          ...(lastId ? { 'last-event-id': lastId } : {}),
        },
        signal,
        openWhenHidden: true,
        async onopen(response) {
          if (!response.ok) throw await toError(response);
          if (!response.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error('The audit stream did not answer with server-sent events.');
          failures = 0;
          refreshedForThisConnection = false;
          openedBefore = true;
          handlers.onStatus('live');
        },
        onmessage(message) {
          if (!message.data) return; // the retry hint and keep-alives
          if (message.id) lastId = message.id;
          handlers.onEvent(JSON.parse(message.data) as AuditEvent);
        },
        onerror(error) {
          throw error;
        },
      });
      if (signal.aborted) return;
      // Closed by the server: normally because the token expired.
      handlers.onStatus('reconnecting');
      if (!impersonating() && expiresWithin(30_000)) await refreshOnce();
      await pause(1000, signal);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ApiError && error.status === 401) {
        // An impersonation token cannot be refreshed; a second 401 after a refresh means the session is over.
        if (impersonating() || refreshedForThisConnection || !(await refreshOnce())) return stop(handlers, error);
        refreshedForThisConnection = true;
        continue;
      }
      if (error instanceof ApiError && error.status < 500 && error.status !== 429) return stop(handlers, error);
      failures += 1;
      handlers.onStatus('reconnecting');
      const retryAfter = error instanceof ApiError && error.retryAfter !== undefined ? error.retryAfter * 1000 : 0;
      await pause(Math.max(retryAfter, Math.min(1000 * 2 ** failures, 15_000)), signal);
    }
  }
}

function stop(handlers: TailHandlers, error: unknown): void {
  handlers.onStatus('stopped');
  handlers.onFatal(error);
}

const impersonating = () => Boolean(session.get()?.impersonation);

function expiresWithin(ms: number): boolean {
  const bearer = session.bearer();
  if (!bearer) return true;
  try {
    return readClaims(bearer).exp * 1000 - Date.now() < ms;
  } catch {
    return true;
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
