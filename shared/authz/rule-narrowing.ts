import { domainMatcher, objectMatcher } from './enforcer-factory.js';

/** A request as the model defines it: r = sub, dom, obj, act. */
export type PolicyRequest = readonly [subject: string, domain: string, object: string, action: string];

/** Whether the subject holds `role` in the domain named by the `g` clause (a request's domain or a literal one). */
export type HoldsRole = (role: string, domain: string) => boolean;

/** One matcher conjunct with the rule's side fixed: true for every request the conjunct accepts for this rule. */
type RequestTest = (request: PolicyRequest) => boolean;

/** Builds a conjunct's test for one rule. */
type ConjunctTest = (rule: readonly string[]) => RequestTest;

/** What the policy effect makes of a matched rule (node-casbin: an empty p_eft counts as allow). */
type RuleEffect = 'allow' | 'deny' | 'none';

interface PlannedRule {
  rule: string[];
  position: number;
  effect: RuleEffect;
  matches: RequestTest;
}

/**
 * Effects under which the rules that cannot match change nothing, so skipping them keeps every decision the same.
 * Spelled exactly as node-casbin's effector expects them (it rejects any other spacing).
 */
const NARROWABLE_EFFECTS = new Map<string, 'allow-unless-denied' | 'any-allow'>([
  ['some(where (p_eft == allow)) && !some(where (p_eft == deny))', 'allow-unless-denied'],
  ['some(where (p_eft == allow))', 'any-allow'],
]);

const REQUEST_TOKENS = ['r_sub', 'r_dom', 'r_obj', 'r_act'];

/** Splits an expression on an operator at paren depth 0, outside string literals; whitespace removed. */
export function splitTopLevel(expression: string, operator: '&&' | '||' | '?'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '(') {
      depth++;
    } else if (char === ')') {
      depth--;
    } else if (depth === 0 && expression.startsWith(operator, i)) {
      parts.push(current);
      current = '';
      i += operator.length - 1;
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts.map((part) => part.replace(/\s+/g, ''));
}

/** Removes parentheses that wrap the whole expression. */
function unwrap(expression: string): string {
  while (expression.startsWith('(') && expression.endsWith(')')) {
    let depth = 0;
    let wrapsAll = true;
    for (let i = 0; i < expression.length - 1; i++) {
      if (expression[i] === '(') depth++;
      if (expression[i] === ')') depth--;
      if (depth === 0) {
        wrapsAll = false;
        break;
      }
    }
    if (!wrapsAll) break;
    expression = expression.slice(1, -1);
  }
  return expression;
}

/** `g(r_sub, p_sub, r_dom) || g(r_sub, p_sub, "platform")`: the domains in which holding the rule's role counts. */
function roleDomainsOf(conjunct: string): (string | undefined)[] | undefined {
  const domains = splitTopLevel(unwrap(conjunct), '||').map((term) => /^g\(r_sub,p_sub,(r_dom|"[^"]*")\)$/.exec(term)?.[1]);
  if (!domains.every((d) => d !== undefined)) return undefined;
  // undefined stands for the request's domain.
  return domains.map((d) => (d === 'r_dom' ? undefined : d!.slice(1, -1)));
}

/**
 * One top-level conjunct of the matcher as a test, when it is one of the forms the central model uses (the
 * functions are the ones shared/authz registers); anything else gives none, and Casbin evaluates it.
 */
function testFor(conjunct: string, at: Record<string, number>): ConjunctTest | undefined {
  const { p_dom: dom, p_obj: obj, p_act: act } = at;
  const c = unwrap(conjunct);
  if (c === 'domainMatch(r_dom,p_dom)' && dom !== undefined) {
    return (rule) => {
      const match = domainMatcher(rule[dom]);
      return (request) => match(request[1]);
    };
  }
  if (c === 'objectMatch(r_obj,p_obj)' && obj !== undefined) {
    return (rule) => {
      const match = objectMatcher(rule[obj]);
      return (request) => match(request[2]);
    };
  }
  if ((c === 'r_act==p_act||p_act=="*"' || c === 'r_act==p_act') && act !== undefined) {
    const wildcard = c.includes('"*"');
    return (rule) => (wildcard && rule[act] === '*' ? () => true : (request) => request[3] === rule[act]);
  }
  return undefined;
}

function allOf(tests: RequestTest[]): RequestTest {
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0];
  return (request) => {
    for (const test of tests) if (!test(request)) return false;
    return true;
  };
}

/**
 * Which p rules a request can possibly match, read off the model: node-casbin evaluates the matcher on every p rule
 * (a few µs each), while a request can only match the rules of roles its subject holds, for its object and action.
 * Only conjuncts found verbatim at the top level of the matcher narrow; under any other effect nothing does.
 * When every conjunct is one of those, the narrowing is `complete`: a candidate is a match, and `decide` applies the
 * effect to the candidates directly.
 */
export class RuleNarrowing {
  /** The rules by the subject (role) the matcher requires holding, else one group under ''; in policy order. */
  private readonly groups = new Map<string, PlannedRule[]>();
  private nextPosition: number;

  private constructor(
    rules: PlannedRule[],
    /** Builds a rule's test from the recognised conjuncts (for rules added later). */
    private readonly testsOf: (rule: readonly string[]) => RequestTest,
    private readonly eftIndex: number | undefined,
    /** Where in a rule its subject is, when rules are grouped by it. */
    private readonly subIndex: number | undefined,
    /** Where holding a group's role counts; undefined when the matcher has no such clause. */
    private readonly roleDomains: (string | undefined)[] | undefined,
    readonly conditions: number,
    readonly complete: boolean,
    private readonly effect: 'allow-unless-denied' | 'any-allow' | undefined,
  ) {
    for (const entry of rules) this.groupOf(entry.rule).push(entry);
    this.nextPosition = rules.length;
  }

  static plan(matcher: string, effect: string, pTokens: string[], rTokens: string[], rules: string[][]): RuleNarrowing {
    const at: Record<string, number> = Object.fromEntries(pTokens.map((token, index) => [token, index]));
    const planned = (testsOf: (rule: readonly string[]) => RequestTest) =>
      rules.map((rule, position): PlannedRule => ({ rule, position, effect: effectOf(rule, at.p_eft), matches: testsOf(rule) }));
    const none = () => () => true;
    const off = () => new RuleNarrowing(planned(none), none, at.p_eft, undefined, undefined, 0, false, undefined);
    const sameRequest = rTokens.length === REQUEST_TOKENS.length && rTokens.every((t, i) => t === REQUEST_TOKENS[i]);
    const effectKind = NARROWABLE_EFFECTS.get(effect);
    if (!sameRequest || !effectKind) return off();
    // `&&` binds tighter than `||` and `?:`: with either at the top level, the `&&` operands are not conjuncts.
    if (splitTopLevel(matcher, '||').length > 1 || splitTopLevel(matcher, '?').length > 1) return off();
    const conjuncts = splitTopLevel(matcher, '&&');
    const tests: ConjunctTest[] = [];
    let roleDomains: (string | undefined)[] | undefined;
    let recognised = 0;
    for (const conjunct of conjuncts) {
      const test = testFor(conjunct, at);
      const domains = test || roleDomains || at.p_sub === undefined ? undefined : roleDomainsOf(conjunct);
      if (test) tests.push(test);
      if (domains) roleDomains = domains;
      if (test || domains) recognised++;
    }
    const complete = recognised === conjuncts.length;
    const conditions = tests.length + (roleDomains ? 1 : 0);
    const testsOf = (rule: readonly string[]) => allOf(tests.map((t) => t(rule)));
    const subIndex = roleDomains ? at.p_sub : undefined;
    return new RuleNarrowing(planned(testsOf), testsOf, at.p_eft, subIndex, roleDomains, conditions, complete, effectKind);
  }

  /** A rule appended to the policy (as node-casbin's addPolicy appends it). */
  add(rule: string[]): void {
    this.groupOf(rule).push({ rule, position: this.nextPosition++, effect: effectOf(rule, this.eftIndex), matches: this.testsOf(rule) });
  }

  /** A rule removed from the policy. */
  remove(rule: readonly string[]): void {
    const key = this.groupKey(rule);
    const rest = (this.groups.get(key) ?? []).filter((entry) => !sameRule(entry.rule, rule));
    if (rest.length) this.groups.set(key, rest);
    else this.groups.delete(key);
  }

  private groupKey(rule: readonly string[]): string {
    return this.subIndex === undefined ? '' : rule[this.subIndex];
  }

  private groupOf(rule: readonly string[]): PlannedRule[] {
    const key = this.groupKey(rule);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = []));
    return group;
  }

  /**
   * Calls `visit` for each group a request may reach, until it returns true. When the caller knows every role anyone
   * holds (`heldRoles`), a group whose role is neither held by anyone nor the subject itself cannot match and is not
   * looked at: rules written for one subject (a share link's `share:<id>`) then cost other requests nothing.
   */
  private visitReachable(subject: string, heldRoles: ReadonlySet<string> | undefined, visit: (role: string, rules: PlannedRule[]) => boolean): void {
    if (!heldRoles || this.subIndex === undefined) {
      for (const [role, rules] of this.groups) if (visit(role, rules)) return;
      return;
    }
    for (const role of heldRoles) {
      const rules = this.groups.get(role);
      if (rules && visit(role, rules)) return;
    }
    if (heldRoles.has(subject)) return;
    const own = this.groups.get(subject);
    if (own) visit(subject, own);
  }

  get narrows(): boolean {
    return this.conditions > 0;
  }

  /** The rules the request can match, in policy order (explain names the rule that decides). */
  candidates(request: PolicyRequest, holds: HoldsRole, heldRoles?: ReadonlySet<string>): string[][] {
    return this.plannedCandidates(request, holds, heldRoles).map((entry) => entry.rule);
  }

  /**
   * [allowed, the deciding rule or []] when the narrowing is complete, as node-casbin's enforceEx names it: the first
   * matched deny; else, for allow-unless-denied, the last matched allow (each allow overwrites the one before), and for
   * any-allow the first.
   */
  explain(request: PolicyRequest, holds: HoldsRole, heldRoles?: ReadonlySet<string>): [boolean, string[]] | undefined {
    if (!this.complete || !this.effect) return undefined;
    let allow: string[] | undefined;
    for (const entry of this.plannedCandidates(request, holds, heldRoles)) {
      if (entry.effect === 'deny' && this.effect === 'allow-unless-denied') return [false, entry.rule];
      if (entry.effect !== 'allow') continue;
      if (this.effect === 'any-allow') return [true, entry.rule];
      allow = entry.rule;
    }
    return allow ? [true, allow] : [false, []];
  }

  private plannedCandidates(request: PolicyRequest, holds: HoldsRole, heldRoles?: ReadonlySet<string>): PlannedRule[] {
    const found: PlannedRule[] = [];
    let groupsFound = 0;
    this.visitReachable(request[0], heldRoles, (role, rules) => {
      if (!this.holdsGroupRole(role, request, holds)) return false;
      const before = found.length;
      for (const entry of rules) if (entry.matches(request)) found.push(entry);
      if (found.length > before) groupsFound++;
      return false;
    });
    if (groupsFound > 1) found.sort((a, b) => a.position - b.position);
    return found;
  }

  /**
   * The decision, when the narrowing is complete: every candidate matches, so the effect decides — a matched deny
   * wins, else a matched allow allows. Undefined when the matcher has a part only Casbin can evaluate.
   */
  decide(request: PolicyRequest, holds: HoldsRole, heldRoles?: ReadonlySet<string>): boolean | undefined {
    if (!this.complete || !this.effect) return undefined;
    const anyAllow = this.effect === 'any-allow';
    let allowed = false;
    let decided: boolean | undefined;
    this.visitReachable(request[0], heldRoles, (role, rules) => {
      if (!this.holdsGroupRole(role, request, holds)) return false;
      for (const entry of rules) {
        if (entry.effect === 'none' || !entry.matches(request)) continue;
        if (entry.effect === 'allow') {
          if (anyAllow) return (decided = true);
          allowed = true;
        } else if (!anyAllow) {
          decided = false;
          return true;
        }
      }
      return false;
    });
    return decided ?? allowed;
  }

  private holdsGroupRole(role: string, request: PolicyRequest, holds: HoldsRole): boolean {
    const domains = this.roleDomains;
    if (!domains) return true;
    for (const domain of domains) if (holds(role, domain ?? request[1])) return true;
    return false;
  }
}

function effectOf(rule: readonly string[], eftIndex: number | undefined): RuleEffect {
  const eft = eftIndex === undefined ? undefined : rule[eftIndex];
  if (!eft || eft === 'allow') return 'allow';
  return eft === 'deny' ? 'deny' : 'none';
}

function sameRule(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
