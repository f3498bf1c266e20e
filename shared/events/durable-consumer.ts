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
const ACK_WAIT_SECONDS = 5;

/**
 * A durable pull consumer that survives NATS restarts: created on first start (from the stream's first message),
 * then resumed where it left off. Messages are handled one at a time, in order.
 */
export class DurableConsumer {
  private messages?: ConsumerMessages;
  private stopped = false;
  private ensured = false;
  private loop?: Promise<void>;

  constructor(private readonly options: DurableConsumerOptions) {}

  /**
   * Creates the consumer (or resumes it) and starts handling. When the stream does not exist yet (the audit service
   * creates it) it keeps trying in the background instead of failing the process.
   */
  async start(): Promise<void> {
    try {
      await this.ensure();
    } catch (error) {
      this.options.logger.warn({ err: error, durable: this.options.durable }, 'consumer not created yet (is the stream there?); retrying');
    }
    this.loop = this.run();
  }

  private async ensure(): Promise<void> {
    const { nc, stream, durable, filterSubject } = this.options;
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    // A delivery lost with a NATS connection (the server restarted, the client never saw the message) is redelivered
    // only after ack_wait: kept short so that a restart delays events by seconds, not half a minute. A batch is stored
    // in well under a second, so nothing is redelivered while it is still being handled.
    const ackWait = ACK_WAIT_SECONDS * SECOND_NS;
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filterSubject,
      ack_wait: ackWait,
      max_deliver: -1,
    };
    const existing = await jsm.consumers.info(stream, durable).catch(() => undefined);
    if (!existing) await jsm.consumers.add(stream, config);
    else if (existing.config.ack_wait !== ackWait) await jsm.consumers.update(stream, durable, { ack_wait: ackWait });
    this.ensured = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.messages?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.ensured) await this.ensure();
        const consumer = await this.options.js.consumers.get(this.options.stream, this.options.durable);
        const handleBatch = this.options.handleBatch;
        const maxBatch = this.options.maxBatch ?? 500;
        // Short pull expiry keeps heartbeats frequent, so a NATS restart is noticed within seconds.
        const messages = await consumer.consume({ max_messages: handleBatch ? maxBatch : 100, expires: 5_000 });
        this.messages = messages;
        const batcher = handleBatch ? new Batcher(maxBatch, (batch) => this.handleMany(batch)) : undefined;
        try {
          for await (const msg of messages) {
            if (batcher) await batcher.add(msg);
            else await this.handleOne(msg);
            if (this.stopped) break;
          }
        } finally {
          await batcher?.drain();
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

/**
 * Collects messages while the previous batch is being handled and hands over everything collected at once: under load
 * batches grow by themselves, when quiet each message goes alone without waiting. Adding waits while `max` are queued.
 */
class Batcher {
  private queue: JsMsg[] = [];
  private running?: Promise<void>;
  private space?: { promise: Promise<void>; resolve: () => void };

  constructor(
    private readonly max: number,
    private readonly handle: (batch: JsMsg[]) => Promise<void>,
  ) {}

  async add(msg: JsMsg): Promise<void> {
    this.queue.push(msg);
    this.running ??= this.flush();
    if (this.queue.length >= this.max) {
      if (!this.space) {
        let resolve!: () => void;
        this.space = { promise: new Promise<void>((r) => (resolve = r)), resolve };
      }
      await this.space.promise;
    }
  }

  /** Waits until everything added has been handled. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async flush(): Promise<void> {
    // Let the iterator hand over what it already holds before the first batch goes.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.max);
      this.space?.resolve();
      this.space = undefined;
      await this.handle(batch);
    }
    this.running = undefined;
  }
}
