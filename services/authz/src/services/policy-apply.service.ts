import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  type GrantWriter,
  PolicyParseError,
  readModelText,
  readPolicyRules,
  readPRules,
  readVocabulary,
  toCasbinRule,
  policyDir,
} from '@portcullis/shared/authz';
import { OrmUnitOfWork, type UnitOfWork } from '@portcullis/shared/db';
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

/** What `policy apply` reads: the stored p rules of roles (share links' rules are not policy.csv's, and stay). */
export interface StoredRoleRules {
  pRules(): Promise<string[][]>;
}

/** What the apply service's unit of work hands it. */
export interface PolicyApplyRepositories {
  rules: StoredRoleRules;
}

export const policyApplyRepositories = (em: EntityManager): PolicyApplyRepositories => ({
  rules: { pRules: () => readPRules(em) },
});

/** The apply service's unit of work over Postgres: `authz.policy.applied` goes to `outbox`, the new version is announced by `grants`. */
export function policyApplyUnitOfWork(orm: MikroORM, grants: GrantWriter, outbox: Outbox): UnitOfWork<PolicyApplyRepositories> {
  return new OrmUnitOfWork({ orm, repositories: policyApplyRepositories, outbox, grants });
}

/**
 * `policy apply`: replaces the stored p rules with policy.csv in one unit of work (a failure leaves the old policy in
 * force), records `authz.policy.applied` in it, and once it commits every instance is told to reload.
 */
export class PolicyApplyService {
  constructor(private readonly uow: UnitOfWork<PolicyApplyRepositories>) {}

  async diff(dir = policyDir()): Promise<PolicyDiff> {
    return diffRules(await this.storedRules(), loadCheckedRules(dir));
  }

  async apply(options: { dir?: string; actorId?: string | null; requestId?: string; rules?: string[][] } = {}): Promise<ApplyResult> {
    const rules = options.rules ?? loadCheckedRules(options.dir);
    const { added, removed } = diffRules(await this.storedRules(), rules);
    if (!added.length && !removed.length) return { changed: false, added, removed };
    const version = await this.uow.run(async (tx) => {
      const applied = await tx.policy.replaceRules(rules);
      tx.record({
        action: AuthzEvent.policyApplied,
        subject: 'policy',
        data: {
          actor: { user_id: options.actorId ?? null },
          outcome: 'success',
          target: { policy_version: applied, rules: rules.length },
          changes: { before: { removed }, after: { added } },
          request_id: options.requestId ?? 'policy-command',
        },
      });
      return applied;
    });
    return { changed: true, version, added, removed };
  }

  private storedRules(): Promise<string[][]> {
    return this.uow.read((repos) => repos.rules.pRules());
  }
}

export { PolicyParseError };
