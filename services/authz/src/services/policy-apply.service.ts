import type { MikroORM } from '@mikro-orm/postgresql';
import {
  GrantWriter,
  PolicyParseError,
  readModelText,
  readPolicyRules,
  readPRules,
  readVocabulary,
  toCasbinRule,
  policyDir,
} from '@portcullis/shared/authz';
import type { Outbox } from '@portcullis/shared/events';
import { join } from 'node:path';
import { AuthzEvent } from '../events/authz-events.js';
import { checkModel, findProblems, type CheckProblem } from './policy-check.js';

export interface PolicyDiff {
  added: string[][];
  removed: string[][];
}

export interface ApplyResult extends PolicyDiff {
  changed: boolean;
  version?: number;
}

export class PolicyInvalid extends Error {
  constructor(readonly problems: CheckProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
    this.name = 'PolicyInvalid';
  }
}

const key = (rule: string[]) => JSON.stringify(rule);

export function diffRules(stored: string[][], wanted: string[][]): PolicyDiff {
  const storedKeys = new Set(stored.map(key));
  const wantedKeys = new Set(wanted.map(key));
  return {
    added: wanted.filter((r) => !storedKeys.has(key(r))),
    removed: stored.filter((r) => !wantedKeys.has(key(r))),
  };
}

/** Reads and checks the policy files; throws PolicyParseError (does not parse) or PolicyInvalid (parses, but wrong). */
export function loadCheckedRules(dir = policyDir()): string[][] {
  checkModel(readModelText(dir), join(dir, 'model.conf'));
  const vocabulary = readVocabulary(dir);
  const rules = readPolicyRules(dir);
  const problems = findProblems(rules, vocabulary, join(dir, 'policy.csv'));
  if (problems.length) throw new PolicyInvalid(problems);
  return rules.map(toCasbinRule);
}

/**
 * `policy apply`: replaces the stored p rules with policy.csv in one transaction (a failure leaves the old policy in
 * force), records `authz.policy.applied` in the same transaction, then tells every instance to reload.
 */
export class PolicyApplyService {
  constructor(
    private readonly orm: MikroORM,
    private readonly writer: GrantWriter,
    private readonly outbox: Outbox,
  ) {}

  async diff(dir = policyDir()): Promise<PolicyDiff> {
    return diffRules(await readPRules(this.orm.em), loadCheckedRules(dir));
  }

  async apply(options: { dir?: string; actorId?: string | null; requestId?: string; rules?: string[][] } = {}): Promise<ApplyResult> {
    const rules = options.rules ?? loadCheckedRules(options.dir);
    const { added, removed } = diffRules(await readPRules(this.orm.em), rules);
    if (!added.length && !removed.length) return { changed: false, added, removed };
    const change = await this.orm.em.fork().transactional(async (tx) => {
      const recorded = await this.writer.replaceRules(tx, rules);
      this.outbox.record(tx, {
        action: AuthzEvent.policyApplied,
        subject: 'policy',
        data: {
          actor: { user_id: options.actorId ?? null },
          outcome: 'success',
          target: { policy_version: recorded.version, rules: rules.length },
          changes: { before: { removed }, after: { added } },
          request_id: options.requestId ?? 'policy-command',
        },
      });
      return recorded;
    });
    this.outbox.committed();
    this.writer.announce([change]);
    return { changed: true, version: change.version, added, removed };
  }
}

export { PolicyParseError };
