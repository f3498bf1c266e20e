import type { UnitOfWork } from '@portcullis/shared/db';
import { InvalidRequest } from '@portcullis/shared/http';
import type { AuditEvent } from '@portcullis/shared/events';
import { isSequence, type EventFilter } from '../repositories/event.repository.js';
import type { AuditRepositories } from '../repositories/index.js';

export type EventItem = AuditEvent & { sequence: string; hash: string };

export interface EventPage {
  items: EventItem[];
  next_cursor: string | null;
}

export function encodeCursor(sequence: string): string {
  return Buffer.from(`seq:${sequence}`).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const match = /^seq:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !isSequence(match[1])) throw new InvalidRequest('The cursor is not valid.', [{ path: 'query.cursor', message: 'not a cursor from this API' }]);
  return match[1];
}

/** Reads the trail, newest first, in cursor pages. */
export class EventQueryService {
  constructor(private readonly uow: UnitOfWork<AuditRepositories>) {}

  async page(filter: Omit<EventFilter, 'beforeSequence'>, cursor: string | undefined, limit: number): Promise<EventPage> {
    const before = cursor ? { beforeSequence: decodeCursor(cursor) } : {};
    const rows = await this.uow.read((repos) => repos.events.find({ ...filter, ...before }, limit + 1));
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => ({ ...row.event, sequence: String(row.sequence), hash: row.hash })),
      next_cursor: rows.length > limit ? encodeCursor(String(page[page.length - 1].sequence)) : null,
    };
  }
}
