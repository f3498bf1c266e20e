import type { Grant } from '../authz/grant-writer.js';
import type { AuditEvent, NewAuditEvent } from '../events/envelope.js';

/** An audit event as a service records it; the outbox adds the service, id and time. */
export type AuditRecord = Omit<NewAuditEvent, 'service'>;

/** Authority written inside a unit of work: it commits with the change and is announced to every instance after. */
export interface PolicyWrites {
  /** A `g` grant; false when it already existed. */
  grant(grant: Grant): Promise<boolean>;
  /** Removes a `g` grant; false when there was none. */
  revoke(grant: Grant): Promise<boolean>;
  /** A share link's p rule (see shared/authz/link-rules.ts); false when it already existed. */
  addLinkRule(rule: string[]): Promise<boolean>;
  removeLinkRule(rule: string[]): Promise<boolean>;
  /** Replaces every role p rule (all or nothing); returns the policy version that carries them. */
  replaceRules(rules: string[][]): Promise<number>;
}

/** What a unit of work's body is handed: its repositories, bound to one transaction, and what else commits with it. */
export interface Transaction<R> {
  readonly repos: R;
  /** An audit event that commits, or rolls back, with the change it describes; the relay publishes it after. */
  record(event: AuditRecord): void;
  /**
   * The outbox row of an event, for a repository that writes it with its own SQL in the same statement as the change
   * (a hot path); the relay is woken after the commit as for `record`.
   */
  outboxRow(event: AuditRecord): OutboxRow;
  /** A message that is not an audit event (a revocation for the revoked-sessions bucket): sent iff the change commits. */
  send(subject: string, payload: Record<string, unknown>): void;
  readonly policy: PolicyWrites;
  /** Holds a named lock until the transaction ends, so instances take turns (a Postgres advisory lock). */
  lock(name: string): Promise<void>;
  /** Writes the pending entity changes now, to order them before what follows (a partial unique index, say). */
  flush(): Promise<void>;
}

export interface OutboxRow {
  id: string;
  subject: string;
  payload: AuditEvent;
  createdAt: Date;
}

export interface RunOptions {
  /** Take this named lock first (see Transaction.lock). */
  lock?: string;
  /**
   * The work is one statement or one flush, atomic on its own: no BEGIN/COMMIT round trips (a hot path). Its events
   * must be written by that same statement or flush.
   */
  singleStatement?: boolean;
}

/**
 * One place that owns a change's sequence: open the transaction, hand the work its repositories, collect its audit
 * events, messages and policy changes, commit — then wake the outbox relay and announce the policy version, in that
 * order. Nothing is sent for work that throws: it rolls back whole.
 */
export interface UnitOfWork<R> {
  run<T>(work: (tx: Transaction<R>) => Promise<T>, options?: RunOptions): Promise<T>;
  /** Reads outside any transaction (each repository call on its own). */
  read<T>(work: (repos: R) => Promise<T>): Promise<T>;
}
