import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { NatsConnection } from '../nats/index.js';
import type { PolicyVersionHint } from '../contracts/nats.js';
import { policyChangedSubject } from './policy-engine.js';
import { isLinkRule } from './link-rules.js';
import { deleteGrant, deleteRule, insertGrant, insertRule, recordChange, replacePRules, type PolicyChange } from './policy-store.js';

/** `g, <subject>, <role>, <domain>` */
export interface Grant {
  subject: string;
  role: string;
  domain: string;
}

const toRule = (grant: Grant) => [grant.subject, grant.role, grant.domain];

/**
 * Writes authority changes in the caller's transaction (so a membership row and its grant commit together) and,
 * after the commit, tells every instance. If the announcement is lost, instances reconcile from Postgres.
 */
export class GrantWriter {
  constructor(
    private readonly nc: NatsConnection | undefined,
    private readonly subjectPrefix: string,
    private readonly logger?: Logger,
  ) {}

  /** Adds a grant inside `tx`; returns the change to announce after commit (undefined when it already existed). */
  async add(tx: EntityManager, grant: Grant): Promise<PolicyChange | undefined> {
    if (!(await insertGrant(tx, toRule(grant)))) return undefined;
    return recordChange(tx, 'grant_added', toRule(grant));
  }

  async remove(tx: EntityManager, grant: Grant): Promise<PolicyChange | undefined> {
    if (!(await deleteGrant(tx, toRule(grant)))) return undefined;
    return recordChange(tx, 'grant_removed', toRule(grant));
  }

  /** Adds a share link's p rule inside `tx` (see link-rules.ts); returns the change to announce after commit. */
  async addLinkRule(tx: EntityManager, rule: string[]): Promise<PolicyChange | undefined> {
    assertLinkRule(rule);
    if (!(await insertRule(tx, 'p', rule))) return undefined;
    return recordChange(tx, 'rule_added', rule);
  }

  async removeLinkRule(tx: EntityManager, rule: string[]): Promise<PolicyChange | undefined> {
    assertLinkRule(rule);
    if (!(await deleteRule(tx, 'p', rule))) return undefined;
    return recordChange(tx, 'rule_removed', rule);
  }

  /** Replaces every p rule inside `tx` (all or nothing); instances reload when told. */
  async replaceRules(tx: EntityManager, rules: string[][]): Promise<PolicyChange> {
    await replacePRules(tx, rules);
    return recordChange(tx, 'reload');
  }

  /** Call after commit: tells every instance the newest version exists (they read the changes from Postgres). */
  announce(changes: (PolicyChange | undefined)[]): void {
    if (!this.nc || this.nc.isClosed()) return;
    const newest = Math.max(0, ...changes.map((change) => change?.version ?? 0));
    if (!newest) return;
    try {
      const hint: PolicyVersionHint = { version: newest };
      this.nc.publish(policyChangedSubject(this.subjectPrefix), JSON.stringify(hint));
    } catch (error) {
      this.logger?.warn({ err: error, version: newest }, 'could not announce a policy change; instances will reconcile');
    }
  }
}

/** Only links' rules are written one by one; role rules change through `policy apply`, as a whole. */
function assertLinkRule(rule: string[]): void {
  if (!isLinkRule(rule)) throw new Error(`not a share link's rule: ${rule.join(', ')}`);
}
