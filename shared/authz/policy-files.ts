import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** The repository's `policies/` folder; `POLICY_DIR` points elsewhere (e.g. a mounted config map). */
export function policyDir(): string {
  return process.env.POLICY_DIR || fileURLToPath(new URL('../../policies/', import.meta.url));
}

export type Effect = 'allow' | 'deny';

/** One `p` rule with where it came from, for messages that name file and line. */
export interface PolicyRule {
  role: string;
  domain: string;
  object: string;
  action: string;
  effect: Effect;
  line: number;
}

export interface Vocabulary {
  roles: Record<string, { domain: 'platform' | 'tenant'; description?: string }>;
  /** Session kinds (`session:user`, `session:impersonation`): subjects by how the caller signed in, for own-account rules. */
  sessions?: Record<string, { description?: string }>;
  objects: Record<string, string[]>;
}

/** A policy file that does not parse; `exit 2` in the policy command. */
export class PolicyParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'PolicyParseError';
  }
}

export function readModelText(dir = policyDir()): string {
  return readFileSync(join(dir, 'model.conf'), 'utf8');
}

/** Parses policy.csv: `p, role, domain, object, action, effect`; comments with #, blank lines ignored. */
export function parsePolicyCsv(text: string, file = 'policy.csv'): PolicyRule[] {
  const rules: PolicyRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (!content || content.startsWith('#')) return;
    const fields = content.split(',').map((f) => f.trim());
    if (fields[0] !== 'p') {
      throw new PolicyParseError(file, line, `expected a "p" rule; membership ("g") rules live in Postgres, not in ${file}`);
    }
    if (fields.length !== 6) throw new PolicyParseError(file, line, `expected 6 fields (p, role, domain, object, action, effect), found ${fields.length}`);
    const [, role, domain, object, action, effect] = fields;
    if ([role, domain, object, action].some((f) => !f)) throw new PolicyParseError(file, line, 'empty field');
    if (effect !== 'allow' && effect !== 'deny') throw new PolicyParseError(file, line, `effect must be allow or deny, not "${effect}"`);
    if (domain !== '*' && domain !== 'platform' && domain !== 'tenant:*') {
      throw new PolicyParseError(file, line, `domain pattern must be "tenant:*", "platform" or "*", not "${domain}"`);
    }
    rules.push({ role, domain, object, action, effect, line });
  });
  return rules;
}

export function readPolicyRules(dir = policyDir()): PolicyRule[] {
  return parsePolicyCsv(readFileSync(join(dir, 'policy.csv'), 'utf8'), join(dir, 'policy.csv'));
}

export function readVocabulary(dir = policyDir()): Vocabulary {
  const file = join(dir, 'vocabulary.yaml');
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? 1;
    throw new PolicyParseError(file, line, (error as Error).message);
  }
  const vocabulary = parsed as Vocabulary;
  if (!vocabulary?.roles || !vocabulary?.objects) throw new PolicyParseError(file, 1, 'needs "roles" and "objects"');
  return vocabulary;
}

/** The stored form of a rule: what casbin sees (`[role, domain, object, action, effect]`). */
export function toCasbinRule(rule: Pick<PolicyRule, 'role' | 'domain' | 'object' | 'action' | 'effect'>): string[] {
  return [rule.role, rule.domain, rule.object, rule.action, rule.effect];
}
