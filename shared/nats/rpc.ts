import type { Logger } from 'pino';
import type { z } from 'zod';
import { NatsReply, withPrefix, type NatsExchange } from '../contracts/nats.js';
import type { NatsConnection } from './index.js';

/** The other side answered, but not with what the contract says (or refused the request). */
export class NatsExchangeError extends Error {
  constructor(
    readonly subject: string,
    message: string,
  ) {
    super(`${subject}: ${message}`);
    this.name = 'NatsExchangeError';
  }
}

/**
 * Asks over NATS: the request is checked against the exchange's schema before it leaves, the reply after it arrives.
 * Rejects with the NATS error (timeout, no responders, permissions) or a NatsExchangeError.
 */
export async function ask<Req extends z.ZodType, Res extends z.ZodType>(
  nc: NatsConnection,
  prefix: string,
  exchange: NatsExchange<Req, Res>,
  body: z.input<Req>,
  timeoutMs = 3000,
): Promise<z.output<Res>> {
  const subject = withPrefix(prefix, exchange.subject);
  const request = exchange.request.parse(body);
  const message = await nc.request(subject, JSON.stringify(request), { timeout: timeoutMs });
  const envelope = NatsReply.safeParse(safeJson(message.string()));
  if (!envelope.success) throw new NatsExchangeError(subject, 'the reply is not a reply envelope');
  if (!envelope.data.ok) throw new NatsExchangeError(subject, envelope.data.error);
  const result = exchange.reply.safeParse(envelope.data.result);
  if (!result.success) throw new NatsExchangeError(subject, `the reply does not match the contract: ${result.error.issues[0]?.message ?? ''}`);
  return result.data;
}

/**
 * Answers an exchange in a queue group (instances share the load). A request that does not match the contract is
 * refused without reaching `handler`; what `handler` returns is checked against the reply schema before it is sent.
 */
export function answer<Req extends z.ZodType, Res extends z.ZodType>(
  nc: NatsConnection,
  prefix: string,
  exchange: NatsExchange<Req, Res>,
  queue: string,
  handler: (request: z.output<Req>) => Promise<z.input<Res>>,
  logger?: Logger,
): { unsubscribe: () => void } {
  return serveReplies(nc, withPrefix(prefix, exchange.subject), queue, logger, async (body) => {
    const request = exchange.request.safeParse(body);
    if (!request.success) throw new Error(`invalid request: ${request.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
    return exchange.reply.parse(await handler(request.data));
  });
}

/**
 * The responder loop: each request's JSON body to `reply`, its result (or its error's message) back in the reply
 * envelope `{ok, result}` / `{ok: false, error}`.
 */
export function serveReplies(nc: NatsConnection, subject: string, queue: string, logger: Logger | undefined, reply: (body: unknown) => Promise<unknown>): { unsubscribe: () => void } {
  const subscription = nc.subscribe(subject, {
    queue,
    callback: (error, msg) => {
      if (error) {
        logger?.error({ err: error, subject }, 'nats subscription error');
        return;
      }
      void (async () => {
        try {
          msg.respond(JSON.stringify({ ok: true, result: await reply(safeJson(msg.string())) }));
        } catch (err) {
          logger?.warn({ err, subject }, 'nats request failed');
          msg.respond(JSON.stringify({ ok: false, error: (err as Error).message }));
        }
      })();
    },
  });
  return { unsubscribe: () => subscription.unsubscribe() };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
