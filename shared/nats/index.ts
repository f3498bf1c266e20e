import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

export type { NatsConnection };

export interface NatsOptions {
  url: string;
  name: string;
  logger?: Logger;
}

/**
 * Connects and keeps reconnecting for ever: a NATS outage must delay events (the outbox holds them), never
 * end the process.
 */
export async function connectNats({ url, name, logger }: NatsOptions): Promise<NatsConnection> {
  const nc = await connect({
    servers: url.split(','),
    name,
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

/** Answers JSON requests on `subject` in a queue group, so many instances share the load. */
export function respondJson<Req, Res>(
  nc: NatsConnection,
  subject: string,
  queue: string,
  handler: (request: Req) => Promise<Res>,
  logger?: Logger,
): { unsubscribe: () => void } {
  const subscription = nc.subscribe(subject, {
    queue,
    callback: (error, msg) => {
      if (error) {
        logger?.error({ err: error, subject }, 'nats subscription error');
        return;
      }
      void (async () => {
        try {
          const answer = await handler(msg.json<Req>());
          msg.respond(JSON.stringify({ ok: true, result: answer }));
        } catch (err) {
          logger?.warn({ err, subject }, 'nats request failed');
          msg.respond(JSON.stringify({ ok: false, error: (err as Error).message }));
        }
      })();
    },
  });
  return { unsubscribe: () => subscription.unsubscribe() };
}
