/** One `g` rule: [subject, role, domain]. */
export type GrantRule = readonly string[];

/**
 * The grants by subject and by domain, so "what does this user hold" and "who holds a role here" do not scan every
 * `g` rule (100,000 of them at 10,000 tenants). Holds references to the rule arrays, not copies.
 */
export class GrantIndex {
  private readonly bySubject = new Map<string, GrantRule[]>();
  private readonly byDomain = new Map<string, GrantRule[]>();
  private readonly holderCount = new Map<string, number>();
  /** Every role some subject holds, in some domain: the only roles a request can reach through `g`. */
  readonly heldRoles = new Set<string>();

  constructor(rules: readonly GrantRule[]) {
    for (const rule of rules) this.add(rule);
  }

  add(rule: GrantRule): void {
    if (!push(this.bySubject, rule[0], rule)) return;
    push(this.byDomain, rule[2], rule);
    this.holderCount.set(rule[1], (this.holderCount.get(rule[1]) ?? 0) + 1);
    this.heldRoles.add(rule[1]);
  }

  remove(rule: GrantRule): void {
    if (!drop(this.bySubject, rule[0], rule)) return;
    drop(this.byDomain, rule[2], rule);
    const left = (this.holderCount.get(rule[1]) ?? 1) - 1;
    if (left > 0) this.holderCount.set(rule[1], left);
    else {
      this.holderCount.delete(rule[1]);
      this.heldRoles.delete(rule[1]);
    }
  }

  ofSubject(subject: string): readonly GrantRule[] {
    return this.bySubject.get(subject) ?? [];
  }

  inDomain(domain: string): readonly GrantRule[] {
    return this.byDomain.get(domain) ?? [];
  }
}

const same = (a: GrantRule, b: GrantRule) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** Returns whether the rule was new. */
function push(map: Map<string, GrantRule[]>, key: string, rule: GrantRule): boolean {
  const list = map.get(key);
  if (!list) map.set(key, [rule]);
  else if (!list.some((r) => same(r, rule))) list.push(rule);
  else return false;
  return true;
}

/** Returns whether the rule was there. */
function drop(map: Map<string, GrantRule[]>, key: string, rule: GrantRule): boolean {
  const list = map.get(key);
  if (!list) return false;
  const rest = list.filter((r) => !same(r, rule));
  if (rest.length === list.length) return false;
  if (rest.length) map.set(key, rest);
  else map.delete(key);
  return true;
}
