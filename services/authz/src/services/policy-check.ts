import { casbin, PolicyParseError, type PolicyRule, type Vocabulary } from '@portcullis/shared/authz';

export interface CheckProblem {
  file: string;
  line: number;
  message: string;
}

/** Parses the model text the way the enforcer will; a syntax error becomes a PolicyParseError with a line. */
export function checkModel(modelText: string, file: string): void {
  try {
    const model = casbin.newModelFromString(modelText);
    for (const section of ['r', 'p', 'g', 'e', 'm']) {
      if (!model.model.get(section)) throw new Error(`section [${section}] is missing`);
    }
  } catch (error) {
    throw new PolicyParseError(file, 1, (error as Error).message);
  }
}

/**
 * What `policy check` finds wrong with rules that parse: unknown roles, objects or actions, a role used outside the
 * domains it belongs to, duplicates, and rules that can never decide anything (an allow that the same role's deny
 * always overrides).
 */
export function findProblems(rules: PolicyRule[], vocabulary: Vocabulary, file: string): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const problem = (rule: PolicyRule, message: string) => problems.push({ file, line: rule.line, message });
  const seen = new Map<string, number>();
  for (const rule of rules) {
    const role = vocabulary.roles[rule.role];
    const session = vocabulary.sessions?.[rule.role];
    if (session) {
      if (rule.domain !== 'platform') problem(rule, `session kind "${rule.role}" is about the caller's own account: its rules use "platform", not "${rule.domain}"`);
    } else if (!role) {
      // Casbin would still apply a rule for an undeclared subject (a user's id, a typo): Portcullis decides only for
      // roles, so such a rule would be quietly not in force. Refused instead.
      problem(rule, `unknown role "${rule.role}" (declare it in vocabulary.yaml): a p rule's subject is a role, never a user — grant users roles instead; otherwise the rule is never in force`);
    }
    else if (role.domain === 'tenant' && rule.domain !== 'tenant:*') {
      problem(rule, `tenant role "${rule.role}" can only be held in a tenant, so its rules must use "tenant:*", not "${rule.domain}"`);
    } else if (role.domain === 'platform' && rule.domain === 'tenant:*') {
      // A platform role counts in every domain, so this is reachable; nothing to report.
    }
    if (rule.object !== '*' && !vocabulary.objects[rule.object]) problem(rule, `unknown object "${rule.object}" (declare it in vocabulary.yaml)`);
    else if (rule.object !== '*' && rule.action !== '*' && !vocabulary.objects[rule.object].includes(rule.action)) {
      problem(rule, `unknown action "${rule.action}" on "${rule.object}" (known: ${vocabulary.objects[rule.object].join(', ')})`);
    }
    const key = [rule.role, rule.domain, rule.object, rule.action, rule.effect].join('|');
    const first = seen.get(key);
    if (first !== undefined) problem(rule, `duplicate of line ${first}`);
    else seen.set(key, rule.line);
  }
  for (const allow of rules.filter((r) => r.effect === 'allow')) {
    const shadow = rules.find(
      (deny) =>
        deny.effect === 'deny' &&
        deny.role === allow.role &&
        (deny.domain === '*' || deny.domain === allow.domain) &&
        (deny.object === '*' || deny.object === allow.object) &&
        (deny.action === '*' || deny.action === allow.action),
    );
    if (shadow) problem(allow, `unreachable: the deny on line ${shadow.line} always overrides this allow`);
  }
  return problems;
}
