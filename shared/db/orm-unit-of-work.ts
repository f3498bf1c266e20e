import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { GrantWriter } from '../authz/grant-writer.js';
import type { PolicyChange } from '../authz/policy-store.js';
import type { Outbox } from '../events/outbox.js';
import { advisoryKey } from './advisory-lock.js';
import type { AuditRecord, OutboxRow, PolicyWrites, RunOptions, Transaction, UnitOfWork } from './unit-of-work.js';

export interface OrmUnitOfWorkOptions<R> {
  orm: MikroORM;
  /** The service's repositories over one entity manager (a transaction's, or a fresh fork for reads). */
  repositories: (em: EntityManager) => R;
  /** Where audit events and messages go; a service that records none may leave it out. */
  outbox?: Outbox;
  /** Writes grants and link rules and announces them; a service that changes no authority may leave it out. */
  grants?: GrantWriter;
}

/** The unit of work over MikroORM and Postgres: the outbox rows and the policy rows commit with the change. */
export class OrmUnitOfWork<R> implements UnitOfWork<R> {
  constructor(private readonly options: OrmUnitOfWorkOptions<R>) {}

  async run<T>(work: (tx: Transaction<R>) => Promise<T>, runOptions: RunOptions = {}): Promise<T> {
    const changes: (PolicyChange | undefined)[] = [];
    let sends = false;
    const body = async (em: EntityManager) => {
      if (runOptions.lock) await em.execute('select pg_advisory_xact_lock(?)', [advisoryKey(runOptions.lock)]);
      return work(new OrmTransaction(em, this.options, changes, () => (sends = true)));
    };
    const em = this.options.orm.em.fork();
    const result = runOptions.singleStatement
      ? await body(em).then(async (value) => {
          await em.flush();
          return value;
        })
      : await em.transactional(body);
    // Committed: the relay sends the events and messages at once, then every instance hears of the new policy.
    if (sends) this.options.outbox?.committed();
    this.options.grants?.announce(changes);
    return result;
  }

  read<T>(work: (repos: R) => Promise<T>): Promise<T> {
    return work(this.options.repositories(this.options.orm.em.fork()));
  }
}

class OrmTransaction<R> implements Transaction<R> {
  readonly repos: R;
  readonly policy: PolicyWrites;

  constructor(
    private readonly em: EntityManager,
    private readonly options: OrmUnitOfWorkOptions<R>,
    changes: (PolicyChange | undefined)[],
    private readonly sends: () => void,
  ) {
    this.repos = options.repositories(em);
    const writer = () => {
      if (!options.grants) throw new Error('this unit of work writes no policy (no GrantWriter given)');
      return options.grants;
    };
    const collect = (change: PolicyChange | undefined) => {
      changes.push(change);
      return change !== undefined;
    };
    this.policy = {
      grant: async (grant) => collect(await writer().add(em, grant)),
      revoke: async (grant) => collect(await writer().remove(em, grant)),
      addLinkRule: async (rule) => collect(await writer().addLinkRule(em, rule)),
      removeLinkRule: async (rule) => collect(await writer().removeLinkRule(em, rule)),
      replaceRules: async (rules) => {
        const change = await writer().replaceRules(em, rules);
        collect(change);
        return change.version;
      },
    };
  }

  private outbox(): Outbox {
    if (!this.options.outbox) throw new Error('this unit of work records no events (no Outbox given)');
    this.sends();
    return this.options.outbox;
  }

  record(event: AuditRecord): void {
    this.outbox().record(this.em, event);
  }

  outboxRow(event: AuditRecord): OutboxRow {
    return this.outbox().prepare(event);
  }

  send(subject: string, payload: Record<string, unknown>): void {
    this.outbox().recordMessage(this.em, subject, payload);
  }

  async lock(name: string): Promise<void> {
    await this.em.execute('select pg_advisory_xact_lock(?)', [advisoryKey(name)]);
  }

  flush(): Promise<void> {
    return this.em.flush();
  }
}
