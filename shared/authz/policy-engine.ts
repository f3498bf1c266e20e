import type { MikroORM } from '@mikro-orm/postgresql';
import type { Enforcer } from 'casbin';
import type { Logger } from 'pino';
import { POLICY_CHANGED, PolicyVersionHint, withPrefix } from '../contracts/nats.js';
import type { NatsConnection } from '../nats/index.js';
import { Decider } from './decider.js';
import { readModelText } from './policy-files.js';
import { readChangesSince, readSnapshot, readVersion, type PolicyChange } from './policy-store.js';

export function policyChangedSubject(prefix: string): string {
  return withPrefix(prefix, POLICY_CHANGED);
}


export interface PolicyEngineOptions {
  orm: MikroORM;
  logger: Logger;
  /** Without NATS the engine still reconciles against Postgres (CLI, benchmarks). */
  nc?: NatsConnection;
  subjectPrefix?: string;
  /** How often to compare the local version with Postgres, healing a missed message. */
  reconcileIntervalMs?: number;
  /** After NATS has been lost this long, decisions fail closed. */
  maxNatsOutageMs?: number;
  modelText?: string;
}

export interface Explanation {
  allowed: boolean;
  /** The rule that decided, as in policy.csv: [role, domain, object, action, effect]. */
  matched_policy?: string[];
  /** The subject's roles that carry the matched rule, with the domain each is held in. */
  via_roles: { role: string; domain: string }[];
}

/** Raised when this instance may be missing policy changes; the guard turns it into 503. */
export class PolicyUnavailable extends Error {
  constructor() {
    super('the policy may be out of date (NATS unreachable for too long)');
    this.name = 'PolicyUnavailable';
  }
}

/**
 * The process's one view of the central policy. Reads go to an in-memory Casbin enforcer. Single grant changes are
 * applied to it in place; anything larger builds a fresh enforcer off to the side and swaps it in, so no decision
 * ever sees a half-loaded policy (node-casbin's loadPolicy clears first). A NATS message only says "version V exists":
 * the changes are always read from Postgres's change log, so a forged message can at most cause a re-read; a missed
 * message or a NATS outage is healed by the periodic reconcile.
 */
export class PolicyEngine {
  private decider!: Decider;
  private localVersion = 0;
  private work: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private natsDownSince?: number;
  private unsubscribe?: () => void;
  private stopped = false;
  private readonly modelText: string;

  private constructor(private readonly options: PolicyEngineOptions) {
    this.modelText = options.modelText ?? readModelText();
  }

  static async start(options: PolicyEngineOptions): Promise<PolicyEngine> {
    const engine = new PolicyEngine(options);
    await engine.reload();
    engine.listen();
    return engine;
  }

  get version(): number {
    return this.localVersion;
  }

  /** The live enforcer (read-only use: tools such as explain and permission listings). */
  get current(): Enforcer {
    return this.decider.enforcer;
  }

  enforce(subject: string, domain: string, object: string, action: string): boolean {
    this.assertFresh();
    return this.decider.decide(subject, domain, object, action);
  }

  explain(subject: string, domain: string, object: string, action: string): Explanation {
    this.assertFresh();
    const [allowed, rule] = this.decider.explain(subject, domain, object, action);
    const matched = rule.length ? rule : undefined;
    const via = matched ? this.rolesOf(subject, domain).filter((r) => r.role === matched[0]) : [];
    return { allowed, ...(matched ? { matched_policy: matched } : {}), via_roles: via };
  }

  /** Roles the subject holds that count in `domain`: those held there and those held in the platform domain. */
  rolesOf(subject: string, domain: string): { role: string; domain: string }[] {
    return this.grantsOf(subject).filter((g) => g.domain === domain || g.domain === 'platform');
  }

  /** Every grant of a subject: `{role, domain}`. */
  grantsOf(subject: string): { role: string; domain: string }[] {
    return this.decider.grants.ofSubject(subject).map((r) => ({ role: r[1], domain: r[2] }));
  }

  /** Every `g` rule in one domain. */
  grantsIn(domain: string): { subject: string; role: string }[] {
    return this.decider.grants.inDomain(domain).map((r) => ({ subject: r[0], role: r[1] }));
  }

  /** Whether `subject` is spelled like a role: never decided for (Casbin would treat it as holding that role). */
  isRoleName(subject: string): boolean {
    return this.decider.isRoleName(subject);
  }

  pRules(): string[][] {
    return this.decider.pRules();
  }

  /** Since when NATS has been unreachable (ms since the epoch), if it is. */
  get natsUnreachableSince(): number | undefined {
    return this.natsDownSince;
  }

  /** False once NATS has been unreachable for longer than allowed. */
  isFresh(): boolean {
    const bound = this.options.maxNatsOutageMs ?? 30_000;
    return this.natsDownSince === undefined || Date.now() - this.natsDownSince <= bound;
  }

  /** Builds a fresh enforcer from Postgres and swaps it in. */
  reload(): Promise<void> {
    return this.serialized(() => this.reloadNow());
  }

  /** A hint that `version` exists: catches up from Postgres when behind it, and does nothing otherwise. */
  hear(hint: PolicyVersionHint): Promise<void> {
    return this.serialized(async () => {
      if (hint.version > this.localVersion) await this.catchUpNow();
    });
  }

  /** Compares with Postgres and catches up when behind. */
  reconcile(): Promise<void> {
    return this.serialized(() => this.catchUpNow());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.work;
  }

  private assertFresh(): void {
    if (!this.isFresh()) throw new PolicyUnavailable();
  }

  private serialized(task: () => Promise<void>): Promise<void> {
    const next = this.work.then(task, task);
    this.work = next.catch((error) => this.options.logger.error({ err: error }, 'policy update failed'));
    return next;
  }

  private async reloadNow(): Promise<void> {
    const snapshot = await readSnapshot(this.options.orm.em);
    this.decider = await Decider.build(this.modelText, snapshot.pRules, snapshot.gRules);
    this.localVersion = snapshot.version;
    this.options.logger.debug({ version: snapshot.version, p: snapshot.pRules.length, g: snapshot.gRules.length }, 'policy loaded');
  }

  private async applyOne(change: PolicyChange): Promise<void> {
    if (change.kind === 'reload' || !change.rule) {
      await this.reloadNow();
      return;
    }
    if (change.kind === 'grant_added') await this.decider.addGrant(change.rule);
    else if (change.kind === 'grant_removed') await this.decider.removeGrant(change.rule);
    else if (change.kind === 'rule_added') await this.decider.addRule(change.rule);
    else await this.decider.removeRule(change.rule);
    this.localVersion = change.version;
  }

  private async catchUpNow(): Promise<void> {
    const latest = await readVersion(this.options.orm.em);
    if (latest === this.localVersion) return;
    if (latest < this.localVersion) {
      // The database went backwards (restored, or a test reset it): trust it.
      await this.reloadNow();
      return;
    }
    const changes = await readChangesSince(this.options.orm.em, this.localVersion);
    const contiguous = changes.length > 0 && changes[0].version === this.localVersion + 1 && changes.length < 1000;
    if (!contiguous || changes.some((c) => c.kind === 'reload')) {
      await this.reloadNow();
      return;
    }
    for (const change of changes) await this.applyOne(change);
  }

  private listen(): void {
    const { nc, subjectPrefix = '', reconcileIntervalMs = 5_000 } = this.options;
    this.timer = setInterval(() => void this.reconcile(), reconcileIntervalMs);
    this.timer.unref();
    if (!nc) return;
    const subscription = nc.subscribe(policyChangedSubject(subjectPrefix), {
      callback: (error, msg) => {
        if (error) return;
        let hint: PolicyVersionHint | undefined;
        try {
          hint = PolicyVersionHint.safeParse(msg.json()).data;
        } catch {
          hint = undefined;
        }
        // What the message says is only a reason to look: anything but a version is a reason to look anyway.
        if (hint) void this.hear(hint);
        else void this.reconcile();
      },
    });
    this.unsubscribe = () => subscription.unsubscribe();
    void (async () => {
      for await (const status of nc.status()) {
        if (this.stopped) break;
        if (status.type === 'disconnect') this.natsDownSince ??= Date.now();
        if (status.type === 'reconnect') {
          this.natsDownSince = undefined;
          // Messages sent while we were away are gone: ask Postgres.
          void this.reconcile();
        }
      }
    })();
  }
}
