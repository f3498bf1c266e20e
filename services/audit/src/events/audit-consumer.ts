import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@portcullis/shared/nats';
import { auditStreamSubjects, DurableConsumer, isValidAuditEvent } from '@portcullis/shared/events';
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

/**
 * A durable pull consumer on the audit stream. Each message is acked only after its row is committed; a failure to
 * store naks it for redelivery, and a message that is not an audit event is terminated (and logged), never stored.
 */
export class AuditConsumer {
  private readonly consumer: DurableConsumer;

  constructor(private readonly options: AuditConsumerOptions) {
    const { nc, js, stream, durable, subjectPrefix, logger } = options;
    const [filterSubject] = auditStreamSubjects(subjectPrefix);
    this.consumer = new DurableConsumer({ nc, js, stream, durable, filterSubject, logger, handle: (msg) => this.handle(msg) });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
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
