import type { Enforcer } from 'casbin';
import { buildEnforcer } from './enforcer-factory.js';
import { GrantIndex } from './grant-index.js';
import { RuleNarrowing, type PolicyRequest } from './rule-narrowing.js';
import { isLinkRule, isSessionSubject } from './link-rules.js';

/** The parts of node-casbin's DefaultRoleManager the decider reads. */
interface RoleLinks {
  syncedHasLink(name1: string, name2: string, domain: string): boolean;
  // Internals of DefaultRoleManager 5.x, read for a direct lookup (see holds); absent in other role managers.
  allDomains?: Map<string, Map<string, { hasRole(name: string, hierarchyLevel: number): boolean }>>;
  maxHierarchyLevel?: number;
  hasPattern?: boolean;
  hasDomainPattern?: boolean;
  hasDomainHierarchy?: boolean;
}

export interface DeciderOptions {
  /**
   * Decide from the narrowed rules directly when every conjunct of the matcher is one RuleNarrowing understands
   * (default), instead of having node-casbin evaluate the matcher on them. Both give the full enforcer's answer.
   */
  compiled?: boolean;
}

/**
 * Decisions from one policy generation. `enforcer` holds every rule (the reference, and the management API);
 * a second enforcer with the same model and the same role links evaluates the matcher on just the p rules the request
 * can match (see RuleNarrowing). When the narrowing is complete, `decide` needs no matcher evaluation at all. Every
 * path gives the full enforcer's answer: the decision tests and a generated comparison check it.
 */
export class Decider {
  private readonly pAssertion: { policy: string[][] };
  private readonly roles: RoleLinks;
  /** Names of roles: a subject spelled like one is never a user (Casbin would treat it as holding that role). */
  private readonly roleNames: Set<string>;
  /** The role manager's domain → subject → role map, when reading it is equivalent to syncedHasLink. */
  private readonly directRoles?: NonNullable<RoleLinks['allDomains']>;
  /** The roles anyone holds, when they are the only roles a request can reach (no name or domain patterns). */
  private readonly heldRoles?: ReadonlySet<string>;

  private constructor(
    readonly enforcer: Enforcer,
    private readonly narrowEnforcer: Enforcer,
    private readonly narrowing: RuleNarrowing,
    readonly grants: GrantIndex,
    private readonly compiled: boolean,
    private readonly roleRules: string[][],
  ) {
    const model = narrowEnforcer.getModel().model;
    this.pAssertion = model.get('p')!.get('p')!;
    this.roles = enforcer.getModel().model.get('g')!.get('g')!.rm as unknown as RoleLinks;
    // Session kinds are subjects, asked about as themselves (Casbin: a subject holds itself), never held through grants.
    this.roleNames = new Set(roleRules.map((rule) => rule[0]).filter((name) => !isSessionSubject(name)));
    const rm = this.roles;
    const plain = rm.allDomains && typeof rm.maxHierarchyLevel === 'number' && !rm.hasPattern && !rm.hasDomainPattern && !rm.hasDomainHierarchy;
    if (plain) {
      this.directRoles = rm.allDomains;
      this.heldRoles = grants.heldRoles;
    }
  }

  static async build(modelText: string, pRules: string[][], gRules: string[][], options: DeciderOptions = {}): Promise<Decider> {
    const enforcer = await buildEnforcer(modelText, pRules, gRules);
    const narrowEnforcer = await buildEnforcer(modelText, [], []);
    const model = enforcer.getModel().model;
    // Same role links object: grants applied in place to the full enforcer count here at once.
    narrowEnforcer.getModel().model.get('g')!.get('g')!.rm = model.get('g')!.get('g')!.rm;
    for (const e of [enforcer, narrowEnforcer]) dropUnusedFunctions(e, model.get('m')!.get('m')!.value);
    const narrowing = RuleNarrowing.plan(
      model.get('m')!.get('m')!.value,
      model.get('e')!.get('e')!.value,
      model.get('p')!.get('p')!.tokens,
      model.get('r')!.get('r')!.tokens,
      pRules,
    );
    const roleRules = pRules.filter((rule) => !isLinkRule(rule));
    return new Decider(enforcer, narrowEnforcer, narrowing, new GrantIndex(gRules), options.compiled ?? true, roleRules);
  }

  /** The p rules of roles (policy.csv as applied), without the rules of share links. */
  pRules(): string[][] {
    return this.roleRules;
  }

  isRoleName(subject: string): boolean {
    return this.roleNames.has(subject);
  }

  decide(subject: string, domain: string, object: string, action: string): boolean {
    if (this.compiled && this.narrowing.complete && !this.isRoleName(subject)) {
      const decided = this.narrowing.decide([subject, domain, object, action], this.holderFor(subject, domain), this.heldRoles);
      if (decided !== undefined) return decided;
    }
    return this.evaluate(subject, domain, object, action)[0];
  }

  /** How decide works for this model: `compiled`, `casbin-narrowed` (Casbin on the narrowed rules) or `casbin-full`. */
  get evaluation(): 'compiled' | 'casbin-narrowed' | 'casbin-full' {
    if (this.compiled && this.narrowing.complete) return 'compiled';
    return this.narrowing.narrows ? 'casbin-narrowed' : 'casbin-full';
  }

  /** [allowed, the deciding rule or []]: the same rule the full enforcer names, since skipped rules cannot match. */
  explain(subject: string, domain: string, object: string, action: string): [boolean, string[]] {
    return this.evaluate(subject, domain, object, action);
  }

  /**
   * Whether the subject holds the role in the domain (directly or through role inheritance): what the matcher's
   * g(subject, role, domain) answers. Without domain or name patterns, syncedHasLink is a lookup in allDomains, but it
   * allocates on every call and stores an empty entry for every unknown domain it is asked about; read the map instead.
   */
  holds(subject: string, role: string, domain: string): boolean {
    if (subject === role) return true;
    if (!this.directRoles) return this.roles.syncedHasLink(subject, role, domain);
    const held = this.directRoles.get(domain)?.get(subject);
    return held !== undefined && held.hasRole(role, this.roles.maxHierarchyLevel!);
  }

  /** Applies one grant in place; the live enforcer and the grant index change together. */
  async addGrant(rule: string[]): Promise<void> {
    await this.enforcer.addNamedGroupingPolicy('g', ...rule);
    this.grants.add(rule);
  }

  async removeGrant(rule: string[]): Promise<void> {
    await this.enforcer.removeNamedGroupingPolicy('g', ...rule);
    this.grants.remove(rule);
  }

  /** Adds one p rule in place (a share link's rule); the narrowing learns it too. */
  async addRule(rule: string[]): Promise<void> {
    if (await this.enforcer.addPolicy(...rule)) this.narrowing.add(rule);
  }

  async removeRule(rule: string[]): Promise<void> {
    if (await this.enforcer.removePolicy(...rule)) this.narrowing.remove(rule);
  }

  /**
   * holds() for one request: the subject's role entries in the request's domain and in the platform domain are
   * looked up once, not once per role.
   */
  private holderFor(subject: string, domain: string): (role: string, inDomain: string) => boolean {
    const direct = this.directRoles;
    if (!direct) return (role, inDomain) => this.holds(subject, role, inDomain);
    const level = this.roles.maxHierarchyLevel!;
    const here = direct.get(domain)?.get(subject);
    const platform = domain === 'platform' ? here : direct.get('platform')?.get(subject);
    return (role, inDomain) => {
      if (subject === role) return true;
      const held = inDomain === domain ? here : inDomain === 'platform' ? platform : direct.get(inDomain)?.get(subject);
      return held !== undefined && held.hasRole(role, level);
    };
  }

  private evaluate(subject: string, domain: string, object: string, action: string): [boolean, string[]] {
    if (this.isRoleName(subject)) return [false, []];
    if (!this.narrowing.narrows) return this.enforcer.enforceExSync(subject, domain, object, action);
    const request: PolicyRequest = [subject, domain, object, action];
    if (this.compiled) {
      const explained = this.narrowing.explain(request, this.holderFor(subject, domain), this.heldRoles);
      if (explained) return explained;
    }
    const candidates = this.narrowing.candidates(request, this.holderFor(subject, domain), this.heldRoles);
    // No rule can match: under the narrowable effects that is a deny.
    if (candidates.length === 0) return [false, []];
    // enforceExSync runs to completion synchronously, so no other decision can see the swapped-in rule list.
    this.pAssertion.policy = candidates;
    try {
      return this.narrowEnforcer.enforceExSync(subject, domain, object, action);
    } finally {
      this.pAssertion.policy = [];
    }
  }
}

/** node-casbin copies every registered function into the matcher context for each rule; keep the ones it calls. */
function dropUnusedFunctions(enforcer: Enforcer, matcher: string): void {
  const functions = (enforcer as unknown as { fm?: { getFunctions(): Map<string, unknown> } }).fm?.getFunctions();
  if (!functions) return;
  for (const name of [...functions.keys()]) {
    if (!new RegExp(`\\b${name}\\s*\\(`).test(matcher)) functions.delete(name);
  }
}
