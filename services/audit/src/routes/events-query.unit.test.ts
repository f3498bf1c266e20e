import { describe, expect, it } from 'vitest';
import { HttpError } from '@portcullis/shared/http';
import { isSequence } from '../repositories/event.repository.js';
import { decodeCursor, encodeCursor } from '../services/event-query.service.js';
import { EventsQuery } from './events.routes.js';

// Input Postgres cannot take used to reach it and fail as a 500; it is refused as a 400 instead.
describe('event queries Postgres could not run', () => {
  it('a time in year 0000 (valid ISO 8601, no such year in Postgres) is refused; year 1 is fine', () => {
    expect(EventsQuery.safeParse({ from: '0000-01-01T00:00:00Z' }).success).toBe(false);
    expect(EventsQuery.safeParse({ to: '0001-01-01T00:30:00+01:00' }).success).toBe(false);
    expect(EventsQuery.safeParse({ from: '0001-01-01T00:00:00Z' }).success).toBe(true);
  });

  it('a sequence or cursor past the largest bigint is refused', () => {
    expect(isSequence('9223372036854775807')).toBe(true);
    expect(isSequence('9223372036854775808')).toBe(false);
    expect(isSequence('9999999999999999999')).toBe(false);
    expect(decodeCursor(encodeCursor('9223372036854775807'))).toBe('9223372036854775807');
    expect(() => decodeCursor(encodeCursor('9999999999999999999'))).toThrow(HttpError);
  });
});
