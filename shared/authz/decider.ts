import type { Enforcer } from 'casbin';
import { buildEnforcer } from './enforcer-factory.js';
import { GrantIndex } from './grant-index.js';
import { RuleNarrowing } from './rule-narrowing.js';
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
   * (default), instead of asking node-casbin. Both give the same answer; false is for comparing the two.
   */
  compiled?: boolean;
}

/**
 * Decisions from one policy generation. `enforcer` holds every rule (the reference, and the management API). When the
 * matcher is one RuleNarrowing understands completely (the central model is), a decision looks only at the rules the
 * request can match — the roles its subject holds, for its object and action — and applies the effect to them; any
 * other model is decided by node-casbin's own enforceExSync. Both give the same answer: the decision tests and a
 * generated comparison check it.
 */
export class Decider {
  private readonly roles: RoleLinks;
  /** Names of roles: a subject spelled like one is never a user (Casbin would treat it as holding that role). */
  private readonly roleNames: Set<string>;
  /** The role manager's domain → subject → role map, when reading it is equivalent to syncedHasLink. */
  private readonly directRoles?: NonNullable<RoleLinks['allDomains']>;
  /** The roles anyone holds, when they are the only roles a request can reach (no name or domain patterns). */
  private readonly heldRoles?: ReadonlySet<string>;
  private readonly compiled: boolean;

  private constructor(
    readonly enforcer: Enforcer,
    private readonly narrowing: RuleNarrowing,
    readonly grants: GrantIndex,
    compiled: boolean,
    private readonly roleRules: string[][],
  ) {
    this.compiled = compiled && narrowing.complete;
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
    const model = enforcer.getModel().model;
    dropUnusedFunctions(enforcer, model.get('m')!.get('m')!.value);
    const narrowing = RuleNarrowing.plan(
      model.get('m')!.get('m')!.value,
      model.get('e')!.get('e')!.value,
      model.get('p')!.get('p')!.tokens,
      model.get('r')!.get('r')!.tokens,
      pRules,
    );
    const roleRules = pRules.filter((rule) => !isLinkRule(rule));
    return new Decider(enforcer, narrowing, new GrantIndex(gRules), options.compiled ?? true, roleRules);
  }

  /** The p rules of roles (policy.csv as applied), without the rules of share links. */
  pRules(): string[][] {
    return this.roleRules;
  }

  isRoleName(subject: string): boolean {
    return this.roleNames.has(subject);
  }

  decide(subject: string, domain: string, object: string, action: string): boolean {
    if (this.isRoleName(subject)) return false;
    if (this.compiled) {
      const decided = this.narrowing.decide([subject, domain, object, action], this.holderFor(subject, domain), this.heldRoles);
      if (decided !== undefined) return decided;
    }
    return this.enforcer.enforceExSync(subject, domain, object, action)[0];
  }

  /** How decide works for this model: `compiled` (the narrowed rules, no matcher evaluation) or `casbin`. */
  get evaluation(): 'compiled' | 'casbin' {
    return this.compiled ? 'compiled' : 'casbin';
  }

  /** [allowed, the deciding rule or []]: the same rule the full enforcer names. */
  explain(subject: string, domain: string, object: string, action: string): [boolean, string[]] {
    if (this.isRoleName(subject)) return [false, []];
    if (this.compiled) {
      const explained = this.narrowing.explain([subject, domain, object, action], this.holderFor(subject, domain), this.heldRoles);
      if (explained) return explained;
    }
    return this.enforcer.enforceExSync(subject, domain, object, action);
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
}

/** node-casbin copies every registered function into the matcher context for each rule; keep the ones it calls. */
function dropUnusedFunctions(enforcer: Enforcer, matcher: string): void {
  const functions = (enforcer as unknown as { fm?: { getFunctions(): Map<string, unknown> } }).fm?.getFunctions();
  if (!functions) return;
  for (const name of [...functions.keys()]) {
    if (!new RegExp(`\\b${name}\\s*\\(`).test(matcher)) functions.delete(name);
  }
}
