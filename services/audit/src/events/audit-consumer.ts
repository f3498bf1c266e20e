import { AckPolicy, DeliverPolicy, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@portcullis/shared/nats';
import { auditStreamSubjects, isValidAuditEvent } from '@portcullis/shared/events';
import type { Logger } from '@portcullis/shared/http';
import type { EventStoreService } from '../services/event-store.service.js';

export interface AuditConsumerOptions {
  nc: NatsConnection;
  js: JetStreamClient;
  stream: string;
  durable: string;
  subjectPrefix: string;
  store: EventStoreService;
  logger: Logger;
}

const SECOND_NS = 1_000_000_000;

/**
 * A durable pull consumer on the audit stream. Each message is acked only after its row is committed; a failure to
 * store naks it for redelivery, and a message that is not an audit event is terminated (and logged), never stored.
 */
export class AuditConsumer {
  private messages?: ConsumerMessages;
  private stopped = false;
  private loop?: Promise<void>;

  constructor(private readonly options: AuditConsumerOptions) {}

  async start(): Promise<void> {
    const { nc, stream, durable, subjectPrefix } = this.options;
    const jsm = await jetstreamManager(nc);
    const [filter] = auditStreamSubjects(subjectPrefix);
    try {
      await jsm.consumers.info(stream, durable);
    } catch {
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: filter,
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
        // Short pull expiry keeps heartbeats frequent, so a NATS restart is noticed within seconds.
        this.messages = await consumer.consume({ max_messages: 100, expires: 5_000 });
        for await (const msg of this.messages) {
          await this.handle(msg);
          if (this.stopped) break;
        }
      } catch (error) {
        if (this.stopped) break;
        this.options.logger.warn({ err: error }, 'audit consumer interrupted; resuming');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    let event: unknown;
    try {
      event = msg.json();
    } catch {
      event = undefined;
    }
    if (!isValidAuditEvent(event)) {
      this.options.logger.error(
        { subject: msg.subject, seq: msg.seq, body: msg.string().slice(0, 2000) },
        'message on the audit stream is not a valid audit event; dropped',
      );
      // No reason text: nats-server before 2.10.4 ignores a +TERM that carries one, leaving the message pending.
      msg.term();
      return;
    }
    try {
      const result = await this.options.store.append(event);
      await msg.ackAck();
      this.options.logger.debug({ id: event.id, type: event.type, result }, 'audit event stored');
    } catch (error) {
      this.options.logger.error({ err: error, id: event.id }, 'could not store audit event; will be redelivered');
      msg.nak(1000);
    }
  }
}
