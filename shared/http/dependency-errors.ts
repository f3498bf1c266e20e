// Errors that mean a dependency (Postgres, NATS) cannot be reached right now, as opposed to a bug: the request may
// succeed if retried, so they answer 503 with Retry-After rather than 500.

/** Node socket errors and Postgres SQLSTATEs of a lost or refused connection (class 08, and shutdowns in 57P0x). */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03']);
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /connection ended unexpectedly/i,
  // knex, when the connection of a running transaction died under it (the transaction was already rolled back).
  /transaction query already complete/i,
  /timeout acquiring a connection/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];
// MikroORM's wrapper for a lost connection, and the NATS client's when the server is gone.
const CONNECTION_NAMES = new Set(['ConnectionException', 'KnexTimeoutError']);
const NATS_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DRAINING', 'CONNECTION_REFUSED', 'DISCONNECT', 'TIMEOUT', '503']);

interface Carrier {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  previous?: unknown;
}

/** True when `error`, or an error it wraps, says a dependency is unreachable. */
export function isDependencyUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const { code, name, message, cause, previous } = current as Carrier;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof name === 'string' && CONNECTION_NAMES.has(name)) return true;
    if (typeof name === 'string' && name.startsWith('Nats') && typeof code === 'string' && NATS_CODES.has(code)) return true;
    if (typeof message === 'string' && CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = previous ?? cause;
  }
  return false;
}
