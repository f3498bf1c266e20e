import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, nkeyAuthenticator, type Authenticator, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { inboxPrefixOf } from '../contracts/nats-subjects.js';
import { serveReplies } from './rpc.js';

export type { NatsConnection };

/** How a process proves who it is to NATS: an NKey seed (or a file holding one), or a `.creds` file (JWT + seed). */
export interface NatsCredentials {
  NATS_NKEY_SEED?: string;
  NATS_NKEY_SEED_FILE?: string;
  NATS_CREDS_FILE?: string;
}

export interface NatsOptions {
  url: string;
  name: string;
  logger?: Logger;
  credentials?: NatsCredentials;
  /**
   * Who this connection is (`identity`, `tenancy`, …): its replies arrive on an inbox of its own, the only inbox its
   * NATS user may subscribe to. Defaults to `name`.
   */
  user?: string;
}

/** The authenticator for the configured credentials; undefined connects anonymously (refused by the project's servers). */
export function natsAuthenticator(credentials: NatsCredentials = {}): Authenticator | undefined {
  const encode = (text: string) => new TextEncoder().encode(text.trim());
  if (credentials.NATS_CREDS_FILE) return credsAuthenticator(readFileSync(credentials.NATS_CREDS_FILE));
  const seed = credentials.NATS_NKEY_SEED ?? (credentials.NATS_NKEY_SEED_FILE ? readFileSync(credentials.NATS_NKEY_SEED_FILE, 'utf8') : undefined);
  return seed ? nkeyAuthenticator(encode(seed)) : undefined;
}

/**
 * Connects and keeps reconnecting for ever: a NATS outage must delay events (the outbox holds them), never
 * end the process.
 */
export async function connectNats({ url, name, logger, credentials, user }: NatsOptions): Promise<NatsConnection> {
  const authenticator = natsAuthenticator(credentials);
  const nc = await connect({
    servers: url.split(','),
    name,
    ...(authenticator ? { authenticator } : {}),
    inboxPrefix: inboxPrefixOf(user ?? name),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: false,
    pingInterval: 5_000,
  });
  if (logger) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
          logger.warn({ nats: status.type, server: 'server' in status ? status.server : undefined }, 'nats connection status');
        }
      }
    })();
  }
  return nc;
}

/** Readiness: the connection is up and the server answers a round trip. */
export async function natsReady(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) throw new Error('connection closed');
  await nc.rtt();
}

/** Request/reply with a JSON body and a JSON answer. */
export async function requestJson<T>(nc: NatsConnection, subject: string, body: unknown, timeoutMs = 2000): Promise<T> {
  const reply = await nc.request(subject, JSON.stringify(body), { timeout: timeoutMs });
  return reply.json<T>();
}

/** Answers JSON requests on `subject` in a queue group, so many instances share the load (no contract: tests, benches). */
export function respondJson<Req, Res>(
  nc: NatsConnection,
  subject: string,
  queue: string,
  handler: (request: Req) => Promise<Res>,
  logger?: Logger,
): { unsubscribe: () => void } {
  return serveReplies(nc, subject, queue, logger, (body) => handler(body as Req));
}

export { ask, answer, serveReplies, NatsExchangeError } from './rpc.js';
