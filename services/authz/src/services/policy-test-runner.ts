import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { Decider, PolicyParseError, toCasbinRule, type PolicyRule } from '@portcullis/shared/authz';

export interface DecisionCase {
  sub: string;
  dom: string;
  obj: string;
  act: string;
  allow: boolean;
  name?: string;
}

export interface DecisionSuite {
  file: string;
  name: string;
  /** `g` rules the cases run against: [subject, role, domain]. */
  grants: string[][];
  cases: (DecisionCase & { line: number })[];
}

export interface CaseResult {
  file: string;
  line: number;
  suite: string;
  case: DecisionCase;
  actual: boolean;
  /** What the full enforcer (every rule evaluated) says; a difference is a bug in the rule narrowing. */
  fullEnforcer: boolean;
  passed: boolean;
}

/** Reads `policies/tests/*.yaml`; malformed files raise PolicyParseError with the line. */
export function readSuites(testsDir: string): DecisionSuite[] {
  return readdirSync(testsDir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((name) => {
      const file = join(testsDir, name);
      const text = readFileSync(file, 'utf8');
      const doc = parseDocument(text, { keepSourceTokens: false });
      if (doc.errors.length) {
        const error = doc.errors[0];
        throw new PolicyParseError(file, error.linePos?.[0]?.line ?? 1, error.message);
      }
      const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : text.slice(0, offset).split('\n').length);
      const raw = doc.toJS() as { name?: string; grants?: string[][]; cases?: DecisionCase[] };
      const casesNode = doc.get('cases', true) as { items?: { range?: [number, number, number] }[] } | undefined;
      if (!Array.isArray(raw?.cases)) throw new PolicyParseError(file, 1, 'needs a "cases" list');
      const cases = raw.cases.map((c, index) => {
        const line = lineOf(casesNode?.items?.[index]?.range?.[0]);
        for (const field of ['sub', 'dom', 'obj', 'act'] as const) {
          if (typeof c?.[field] !== 'string') throw new PolicyParseError(file, line, `case needs a string "${field}"`);
        }
        if (typeof c.allow !== 'boolean') throw new PolicyParseError(file, line, 'case needs "allow: true|false"');
        return { ...c, line };
      });
      return { file, name: raw.name ?? name, grants: raw.grants ?? [], cases };
    });
}

/** Runs every case against the given p rules and the suite's own grants, with the real model and matcher. */
export async function runSuites(modelText: string, rules: PolicyRule[], suites: DecisionSuite[]): Promise<CaseResult[]> {
  const pRules = rules.map(toCasbinRule);
  const results: CaseResult[] = [];
  for (const suite of suites) {
    const decider = await Decider.build(modelText, pRules, suite.grants.map((g) => g.map(String)));
    assertNoRoleAsSubject(suite, decider);
    for (const { line, ...decision } of suite.cases) {
      const actual = decider.decide(decision.sub, decision.dom, decision.obj, decision.act);
      const fullEnforcer = !decider.isRoleName(decision.sub) && decider.enforcer.enforceSync(decision.sub, decision.dom, decision.obj, decision.act);
      const passed = actual === decision.allow && fullEnforcer === actual;
      results.push({ file: suite.file, line, suite: suite.name, case: decision, actual, fullEnforcer, passed });
    }
  }
  return results;
}

/**
 * A case or grant whose subject is spelled like a role would be decided by Casbin as if it held that role; Portcullis
 * never decides for such a subject (a user id is never a role name). Refused, so no test passes or fails for a reason
 * its author did not mean.
 */
function assertNoRoleAsSubject(suite: DecisionSuite, decider: Decider): void {
  for (const { sub, line } of suite.cases) {
    if (decider.isRoleName(sub)) {
      throw new PolicyParseError(suite.file, line, `case subject "${sub}" is the name of a role: Casbin would decide it as holding that role, Portcullis never decides for it. Use a user id and grant it the role under "grants".`);
    }
  }
  for (const grant of suite.grants) {
    if (decider.isRoleName(String(grant[0]))) {
      throw new PolicyParseError(suite.file, 1, `grant ${JSON.stringify(grant)}: its subject is the name of a role; grants give roles to users (role inheritance is not written as grants).`);
    }
  }
}
