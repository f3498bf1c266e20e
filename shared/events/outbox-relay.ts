import type { MikroORM } from '@mikro-orm/postgresql';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';

interface PendingRow {
  id: string;
  subject: string;
  payload: unknown;
}

export interface OutboxRelayOptions {
  orm: MikroORM;
  js: JetStreamClient;
  logger: Logger;
  /** How often to look for rows nobody woke us for (other instances, restarts, NATS outages). */
  pollIntervalMs?: number;
  batchSize?: number;
  publishTimeoutMs?: number;
}

/**
 * Publishes outbox rows to JetStream (revocations first, then events in the order they were recorded), with
 * `Nats-Msg-Id` = row id so a row published twice (a crash between publish and mark) is dropped by the stream's duplicate
 * window. Rows are claimed with FOR UPDATE SKIP LOCKED, so several instances can relay the same outbox.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running = false;
  private rerun = false;
  private stopped = true;
  private idle: Promise<void> = Promise.resolve();
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly publishTimeoutMs: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 3000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle;
  }

  /** Publish now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.idle = this.drain();
    }, delayMs);
  }

  private async drain(): Promise<void> {
    this.running = true;
    let next = this.pollIntervalMs;
    try {
      for (;;) {
        this.rerun = false;
        const published = await this.publishBatch();
        if (published < this.batchSize && !this.rerun) break;
        if (this.stopped) break;
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox relay could not publish; will retry');
      next = Math.min(this.pollIntervalMs, 1000);
    } finally {
      this.running = false;
      this.schedule(next);
    }
  }

  /** Publishes one batch in one transaction; returns how many rows it published. */
  async publishBatch(): Promise<number> {
    const em = this.options.orm.em.fork();
    return em.transactional(async (tx) => {
      // Revocations first: a session ended must reach every service even when audit events are waiting (say, for an
      // audit stream that is not there yet).
      const rows = await tx.execute<PendingRow[]>(
        `select id, subject, payload from outbox where published_at is null
         order by (subject like '$KV.%') desc, created_at, id limit ? for update skip locked`,
        [this.batchSize],
      );
      // Every publish of the batch is sent at once and the acks awaited together (one round trip, not one per row).
      // Each row NATS acknowledged is marked; one that failed is retried on its own next time and holds no other back.
      // A row published twice (a crash before the mark) is dropped by the stream's duplicate window (same Nats-Msg-Id).
      const outcomes = await Promise.allSettled(
        rows.map((row) => {
          const headers = natsHeaders();
          if ((row.payload as { specversion?: unknown }).specversion) headers.set('Content-Type', 'application/cloudevents+json');
          return this.options.js.publish(row.subject, JSON.stringify(row.payload), { msgID: row.id, headers, timeout: this.publishTimeoutMs });
        }),
      );
      const done = rows.filter((_, index) => outcomes[index].status === 'fulfilled').map((r) => r.id);
      if (done.length) await tx.execute('update outbox set published_at = now() where id in (?)', [done]);
      const failures = rows.flatMap((row, index) => (outcomes[index].status === 'rejected' ? [{ row, reason: (outcomes[index] as PromiseRejectedResult).reason }] : []));
      for (const { row, reason } of failures) {
        await tx.execute('update outbox set attempts = attempts + 1, last_error = ? where id = ?', [String(reason).slice(0, 500), row.id]);
      }
      if (failures.length) this.options.logger.warn({ err: failures[0].reason, failed: failures.length, first: failures[0].row.id }, 'outbox relay could not publish; will retry');
      const published = done.length;
      return published;
    });
  }
}
