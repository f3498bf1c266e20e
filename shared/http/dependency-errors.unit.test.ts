import { describe, expect, it } from 'vitest';
import { isDependencyUnavailable } from './dependency-errors.js';
import { toHttpError } from './problem-middleware.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('errors of an unreachable dependency', () => {
  it('recognises refused and lost Postgres connections, also when wrapped', () => {
    expect(isDependencyUnavailable(withCode('ECONNREFUSED'))).toBe(true);
    expect(isDependencyUnavailable(withCode('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isDependencyUnavailable(withCode('08006'))).toBe(true);
    expect(isDependencyUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDependencyUnavailable(new Error('Transaction query already complete, run with DEBUG=knex:tx for more info'))).toBe(true);
    expect(isDependencyUnavailable(Object.assign(new Error('wrapped'), { name: 'DriverException', previous: withCode('ECONNREFUSED') }))).toBe(true);
    expect(isDependencyUnavailable(new Error('outer', { cause: new Error('Knex: Timeout acquiring a connection. The pool is probably full.') }))).toBe(true);
  });

  it('recognises a NATS client whose server is gone', () => {
    expect(isDependencyUnavailable(Object.assign(new Error('closed'), { name: 'NatsError', code: 'CONNECTION_CLOSED' }))).toBe(true);
  });

  it('leaves bugs and constraint violations alone', () => {
    expect(isDependencyUnavailable(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isDependencyUnavailable(withCode('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isDependencyUnavailable(undefined)).toBe(false);
  });

  it('answers 503 with Retry-After for them, and an opaque 500 for anything else', () => {
    const unavailable = toHttpError(withCode('ECONNREFUSED'), 1024);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('2');
    expect(toHttpError(new TypeError('boom'), 1024).status).toBe(500);
  });
});
