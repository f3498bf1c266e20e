import { EventEmitter, once } from 'node:events';
import { Readable } from 'node:stream';
import type { UnitOfWork } from '@portcullis/shared/db';
import { InvalidRequest } from '@portcullis/shared/http';
import { isSequence, type EventFilter } from '../repositories/event.repository.js';
import type { AuditRepositories } from '../repositories/index.js';

export interface LiveStreamOptions {
  /** Sequence of the last event the client has (Last-Event-ID); without it, only events stored from now on. */
  lastEventId?: string;
  /** Unix seconds: the stream ends when the caller's token does (the client reconnects with a fresh one). */
  endsAt: number;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /**
   * Asked before each look for new events (at least every half second): the reason to end the stream, or undefined
   * while the caller may still read it. A revoked session or a lost right ends the stream within a second.
   */
  stillAllowed?: () => Promise<string | undefined>;
}

const BATCH = 500;
/** Also look without being told: another audit instance may have stored the event. */
const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events over the stored trail: each event once, in chain order, `id:` its sequence so a reconnecting
 * client resumes with Last-Event-ID. Woken when this instance stores a batch, and polling for the others'.
 */
export class LiveEvents {
  private readonly stored = new EventEmitter();

  constructor(private readonly uow: UnitOfWork<AuditRepositories>) {
    this.stored.setMaxListeners(0);
  }

  /** The consumer calls this after each committed batch. */
  notify(): void {
    this.stored.emit('stored');
  }

  async open(filter: Omit<EventFilter, 'beforeSequence' | 'afterSequence'>, options: LiveStreamOptions): Promise<Readable> {
    if (options.lastEventId !== undefined && !isSequence(options.lastEventId)) {
      throw new InvalidRequest('Last-Event-ID must be the id (sequence) of an event from this stream.');
    }
    const start = options.lastEventId ?? (await this.uow.read((repos) => repos.events.head()))?.sequence ?? '0';
    return Readable.from(this.frames(filter, start, options));
  }

  private async *frames(filter: Omit<EventFilter, 'beforeSequence' | 'afterSequence'>, start: string, options: LiveStreamOptions): AsyncGenerator<string> {
    let last = start;
    let quietSince = Date.now();
    yield `retry: 1000\n\n`;
    while (!options.signal.aborted && Date.now() / 1000 < options.endsAt) {
      const ended = await options.stillAllowed?.();
      if (ended) {
        yield `event: end\ndata: ${JSON.stringify({ reason: ended })}\n\n`;
        return;
      }
      const rows = await this.uow.read((repos) => repos.events.find({ ...filter, afterSequence: last }, BATCH));
      for (const row of rows) {
        const sequence = String(row.sequence);
        yield `id: ${sequence}\ndata: ${JSON.stringify({ ...row.event, sequence, hash: row.hash })}\n\n`;
        last = sequence;
      }
      if (rows.length === BATCH) continue;
      if (Date.now() - quietSince >= HEARTBEAT_MS) {
        yield ': keep-alive\n\n';
        quietSince = Date.now();
      }
      if (rows.length) quietSince = Date.now();
      await this.nextStore(options.signal);
    }
  }

  private async nextStore(signal: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(POLL_MS);
    try {
      await once(this.stored, 'stored', { signal: AbortSignal.any([signal, timeout]) });
    } catch {
      // Timed out or the client left: either way, look again (the loop checks which).
    }
  }
}
