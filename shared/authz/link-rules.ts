/**
 * Share links are grants in the central model: a link's subject `share:<id>` gets its own p rule,
 * `p, share:<id>, tenant:<tid>, <type>:<resource id>, read, allow`. These rules are written by the sharing service (one per
 * live link), not by policy.csv, so `policy apply` and `diff` leave them alone and role listings do not show them.
 */
export const LINK_SUBJECT_PREFIX = 'share:';

export function linkSubject(shareId: string): string {
  return `${LINK_SUBJECT_PREFIX}${shareId}`;
}

export function isLinkSubject(subject: string): boolean {
  return subject.startsWith(LINK_SUBJECT_PREFIX);
}

export function isLinkRule(rule: readonly string[]): boolean {
  return isLinkSubject(rule[0]);
}

/** The p rule that lets a link's subject do `actions` to one resource in one tenant. */
export function linkRules(shareId: string, tenantId: string, resource: string, actions: readonly string[]): string[][] {
  return actions.map((action) => [linkSubject(shareId), `tenant:${tenantId}`, resource, action, 'allow']);
}
