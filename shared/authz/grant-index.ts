/** One `g` rule: [subject, role, domain]. */
export type GrantRule = readonly string[];

/**
 * The grants by subject and by domain, so "what does this user hold" and "who holds a role here" do not scan every
 * `g` rule (100,000 of them at 10,000 tenants). Holds references to the rule arrays, not copies.
 */
export class GrantIndex {
  private readonly bySubject = new Map<string, GrantRule[]>();
  private readonly byDomain = new Map<string, GrantRule[]>();

  constructor(rules: readonly GrantRule[]) {
    for (const rule of rules) this.add(rule);
  }

  add(rule: GrantRule): void {
    push(this.bySubject, rule[0], rule);
    push(this.byDomain, rule[2], rule);
  }

  remove(rule: GrantRule): void {
    drop(this.bySubject, rule[0], rule);
    drop(this.byDomain, rule[2], rule);
  }

  ofSubject(subject: string): readonly GrantRule[] {
    return this.bySubject.get(subject) ?? [];
  }

  inDomain(domain: string): readonly GrantRule[] {
    return this.byDomain.get(domain) ?? [];
  }
}

const same = (a: GrantRule, b: GrantRule) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

function push(map: Map<string, GrantRule[]>, key: string, rule: GrantRule): void {
  const list = map.get(key);
  if (!list) map.set(key, [rule]);
  else if (!list.some((r) => same(r, rule))) list.push(rule);
}

function drop(map: Map<string, GrantRule[]>, key: string, rule: GrantRule): void {
  const list = map.get(key);
  if (!list) return;
  const rest = list.filter((r) => !same(r, rule));
  if (rest.length) map.set(key, rest);
  else map.delete(key);
}
