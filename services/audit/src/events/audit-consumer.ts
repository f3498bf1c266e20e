import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@portcullis/shared/nats';
import { arrivedOnItsOwnSubject, auditStreamSubjects, DurableConsumer, isValidAuditEvent, type AuditEvent } from '@portcullis/shared/events';
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
  /** Called after each stored batch (live streams look for new rows). */
  onStored?: () => void;
}

/**
 * A durable pull consumer on the audit stream, storing what has arrived in batches. Each message is acked only after
 * its row is committed; a failure to store naks the batch for redelivery, and a message that is not an audit event,
 * or one whose source is not the service whose subject it came on, is terminated (and logged), never stored.
 */
export class AuditConsumer {
  private readonly consumer: DurableConsumer;
  private readonly notify?: () => void;

  constructor(private readonly options: AuditConsumerOptions) {
    const { nc, js, stream, durable, subjectPrefix, logger } = options;
    const [filterSubject] = auditStreamSubjects(subjectPrefix);
    this.consumer = new DurableConsumer({ nc, js, stream, durable, filterSubject, logger, handleBatch: (msgs) => this.handleBatch(msgs) });
    this.notify = options.onStored;
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  /** Stores the waiting messages in one transaction, in stream order, then acks them. */
  private async handleBatch(msgs: JsMsg[]): Promise<void> {
    const stored: { msg: JsMsg; event: AuditEvent }[] = [];
    for (const msg of msgs) {
      const event = this.parse(msg);
      if (event) stored.push({ msg, event });
    }
    // A throw here leaves the batch to the consumer, which naks it for redelivery.
    const results = await this.options.store.appendBatch(stored.map((s) => s.event));
    // Acked after the commit; a lost ack means a redelivery, which the store recognises.
    for (const { msg } of stored) msg.ack();
    this.notify?.();
    this.options.logger.debug({ count: stored.length, stored: results.filter((r) => r === 'stored').length }, 'audit events stored');
  }

  /** The event, or undefined (logged and terminated) when the message is not a valid audit event. */
  private parse(msg: JsMsg): AuditEvent | undefined {
    let event: unknown;
    try {
      event = msg.json();
    } catch {
      event = undefined;
    }
    const valid = isValidAuditEvent(event);
    if (valid && arrivedOnItsOwnSubject(event as AuditEvent, msg.subject, this.options.subjectPrefix)) return event as AuditEvent;
    this.options.logger.error(
      { subject: msg.subject, seq: msg.seq, body: msg.string().slice(0, 2000) },
      valid ? 'audit event whose source or type does not match the subject it came on; dropped' : 'message on the audit stream is not a valid audit event; dropped',
    );
    // No reason text: nats-server before 2.10.4 ignores a +TERM that carries one, leaving the message pending.
    msg.term();
    return undefined;
  }
}
