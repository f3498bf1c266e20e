import { AckPolicy, DeliverPolicy, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { NatsConnection } from '../nats/index.js';

export interface DurableConsumerOptions {
  nc: NatsConnection;
  js: JetStreamClient;
  stream: string;
  durable: string;
  /** One subject filter (nats-server 2.9 has no multi-filter consumers). */
  filterSubject: string;
  logger: Logger;
  /** Handles one message and acks, naks or terms it. A throw naks it for redelivery in a second. */
  handle?: (msg: JsMsg) => Promise<void>;
  /**
   * Instead of `handle`: handles the messages that are waiting, in stream order, up to `maxBatch` at a time (one
   * transaction for many rows). A throw naks the whole batch.
   */
  handleBatch?: (msgs: JsMsg[]) => Promise<void>;
  maxBatch?: number;
}

const SECOND_NS = 1_000_000_000;

/**
 * A durable pull consumer that survives NATS restarts: created on first start (from the stream's first message),
 * then resumed where it left off. Messages are handled one at a time, in order.
 */
export class DurableConsumer {
  private messages?: ConsumerMessages;
  private stopped = false;
  private loop?: Promise<void>;

  constructor(private readonly options: DurableConsumerOptions) {}

  async start(): Promise<void> {
    const { nc, stream, durable, filterSubject } = this.options;
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.consumers.info(stream, durable);
    } catch {
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: filterSubject,
        ack_wait: 30 * SECOND_NS,
        max_deliver: -1,
      });
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.messages?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const consumer = await this.options.js.consumers.get(this.options.stream, this.options.durable);
        const maxBatch = this.options.maxBatch ?? 500;
        // Short pull expiry keeps heartbeats frequent, so a NATS restart is noticed within seconds.
        const messages = await consumer.consume({ max_messages: this.options.handleBatch ? maxBatch * 2 : 100, expires: 5_000 });
        this.messages = messages;
        const batch: JsMsg[] = [];
        for await (const msg of messages) {
          if (!this.options.handleBatch) {
            await this.handleOne(msg);
          } else {
            batch.push(msg);
            // Whatever has arrived goes together; nothing waits for a batch to fill.
            if (batch.length >= maxBatch || messages.getPending() === 0) await this.handleMany(batch.splice(0));
          }
          if (this.stopped) break;
        }
      } catch (error) {
        if (this.stopped) break;
        this.options.logger.warn({ err: error, durable: this.options.durable }, 'consumer interrupted; resuming');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async handleMany(msgs: JsMsg[]): Promise<void> {
    try {
      await this.options.handleBatch!(msgs);
    } catch (error) {
      this.options.logger.error({ err: error, count: msgs.length, first_seq: msgs[0]?.seq }, 'could not handle a batch; will be redelivered');
      for (const msg of msgs) msg.nak(1000);
    }
  }

  private async handleOne(msg: JsMsg): Promise<void> {
    try {
      await this.options.handle!(msg);
    } catch (error) {
      this.options.logger.error({ err: error, subject: msg.subject, seq: msg.seq }, 'could not handle a message; will be redelivered');
      msg.nak(1000);
    }
  }
}
