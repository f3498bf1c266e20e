import { Outbox } from '../../events/outbox.js';
import type { AuditEvent } from '../../events/envelope.js';
import type { AuditRecord, OutboxRow, RunOptions, Transaction, UnitOfWork } from '../unit-of-work.js';
import { InMemoryLocks, withinRun, type InMemoryRun } from './in-memory-run.js';
import { InMemoryPolicy } from './in-memory-policy.js';

/**
 * The unit of work for unit tests of business rules: the same interface as OrmUnitOfWork over in-memory repositories.
 * Units of work run concurrently, as in Postgres; what serialises them is the locks they take (Transaction.lock, or
 * a repository's row lock through `locks`). One that throws is undone whole and sends nothing. What committed units
 * recorded is kept in order: audit events (validated against the event schema), messages and policy versions.
 */
export class InMemoryUnitOfWork<R> implements UnitOfWork<R> {
  readonly events: AuditEvent[] = [];
  readonly messages: { subject: string; payload: Record<string, unknown> }[] = [];
  readonly policy = new InMemoryPolicy();
  /** How many times the relay was woken after a commit. */
  relayWakes = 0;
  private readonly outbox: Outbox;

  constructor(
    readonly repos: R,
    readonly locks: InMemoryLocks = new InMemoryLocks(),
    service = 'test',
  ) {
    this.outbox = new Outbox(service, '');
  }

  /** The committed audit events of one type (`portcullis.<service>.<action>`, or just the action). */
  eventsOf(action: string): AuditEvent[] {
    return this.events.filter((event) => event.type === action || event.type.endsWith(`.${action}`));
  }

  async run<T>(work: (tx: Transaction<R>) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const run: InMemoryRun = { undo: [], touched: new Set(), releases: [], tables: new Set() };
    const events: AuditEvent[] = [];
    const messages: { subject: string; payload: Record<string, unknown> }[] = [];
    const versions: number[] = [];
    const tx: Transaction<R> = {
      repos: this.repos,
      record: (event: AuditRecord) => void events.push(this.outbox.prepare(event).payload),
      outboxRow: (event: AuditRecord): OutboxRow => {
        const row = this.outbox.prepare(event);
        events.push(row.payload);
        return row;
      },
      send: (subject, payload) => void messages.push({ subject, payload }),
      policy: this.policy.writes((version) => versions.push(version)),
      lock: (name) => this.locks.acquire(`lock:${name}`),
      flush: async () => {},
    };
    try {
      const result = await withinRun(run, async () => {
        if (options.lock) await tx.lock(options.lock);
        const value = await work(tx);
        for (const table of run.tables) table.assertConstraints();
        return value;
      });
      this.events.push(...events);
      this.messages.push(...messages);
      if (events.length || messages.length) this.relayWakes += 1;
      if (versions.length) this.policy.announced.push(Math.max(...versions));
      return result;
    } catch (error) {
      for (const undo of run.undo.reverse()) undo();
      throw error;
    } finally {
      for (const release of run.releases) release();
    }
  }

  read<T>(work: (repos: R) => Promise<T>): Promise<T> {
    return work(this.repos);
  }
}
