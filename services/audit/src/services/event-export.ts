import { Readable } from 'node:stream';
import type { UnitOfWork } from '@portcullis/shared/db';
import { stringify } from 'csv-stringify';
import type { AuditEvent } from '@portcullis/shared/events';
import type { StoredEvent } from '../entities/stored-event.entity.js';
import type { EventFilter } from '../repositories/event.repository.js';
import type { AuditRepositories } from '../repositories/index.js';

export type ExportFormat = 'ndjson' | 'csv';

const CHUNK = 1000;

/** The CSV columns: the fields SIEMs index, plus the whole event as JSON. */
export const CSV_COLUMNS = [
  'sequence', 'id', 'time', 'type', 'source', 'subject', 'tenant_id', 'actor_id', 'impersonator_id', 'outcome', 'ip', 'user_agent', 'request_id', 'hash', 'event',
] as const;

/**
 * Every matching event, oldest first, as a stream: rows are read in keyset chunks and written as they come, so memory
 * stays flat whatever the size of the trail, and a slow client slows the reads (back-pressure), not the heap.
 */
export class EventExporter {
  constructor(private readonly uow: UnitOfWork<AuditRepositories>) {}

  async stream(filter: Omit<EventFilter, 'beforeSequence' | 'afterSequence'>, format: ExportFormat): Promise<Readable> {
    // The first chunk is read before anything is sent: a database that fails at once gets a problem answer (503), not
    // a connection cut after a 200. A failure later, mid-stream, can only end the connection.
    const first = await this.chunk(filter, '0');
    if (format === 'ndjson') return Readable.from(this.lines(filter, first));
    return Readable.from(this.rows(filter, first)).pipe(
      stringify({
        header: true,
        columns: [...CSV_COLUMNS],
        cast: { object: (value) => JSON.stringify(value) },
      }),
    );
  }

  /** NDJSON: each event as published plus `sequence` and `hash`, as the list answers it. */
  private async *lines(filter: Omit<EventFilter, 'beforeSequence' | 'afterSequence'>, first: StoredEvent[]): AsyncGenerator<string> {
    for await (const { event, sequence, hash } of this.events(filter, first)) yield `${JSON.stringify({ ...event, sequence, hash })}\n`;
  }

  private async *rows(filter: Omit<EventFilter, 'beforeSequence' | 'afterSequence'>, first: StoredEvent[]): AsyncGenerator<Record<string, unknown>> {
    for await (const { event, sequence, hash } of this.events(filter, first)) yield csvRow(event, sequence, hash);
  }

  private chunk(filter: Omit<EventFilter, 'beforeSequence' | 'afterSequence'>, after: string): Promise<StoredEvent[]> {
    return this.uow.read((repos) => repos.events.find({ ...filter, afterSequence: after }, CHUNK));
  }

  private async *events(filter: Omit<EventFilter, 'beforeSequence' | 'afterSequence'>, first: StoredEvent[]): AsyncGenerator<{ event: AuditEvent; sequence: string; hash: string }> {
    for (let chunk = first; ; ) {
      for (const row of chunk) yield { event: row.event, sequence: String(row.sequence), hash: row.hash };
      if (chunk.length < CHUNK) return;
      chunk = await this.chunk(filter, String(chunk[chunk.length - 1].sequence));
    }
  }
}

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, or a tab or carriage return first: OWASP's CSV injection
 * list) is prefixed with an apostrophe, so an attacker's user agent or name stays text when an admin opens the export.
 */
export function inertCell(value: unknown): unknown {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvRow(event: AuditEvent, sequence: string, hash: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(csvCells(event, sequence, hash)).map(([column, value]) => [column, inertCell(value)]));
}

function csvCells(event: AuditEvent, sequence: string, hash: string): Record<string, unknown> {
  return {
    sequence,
    id: event.id,
    time: event.time,
    type: event.type,
    source: event.source,
    subject: event.subject,
    hash,
    tenant_id: event.tenantid ?? '',
    actor_id: event.data.actor.user_id ?? '',
    impersonator_id: event.data.actor.impersonator_id ?? '',
    outcome: event.data.outcome,
    ip: event.data.actor.ip ?? '',
    user_agent: event.data.actor.user_agent ?? '',
    request_id: event.data.request_id,
    event,
  };
}
