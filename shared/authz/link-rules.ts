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

/**
 * Session kinds: subjects the platform derives from how the caller signed in, not from grants. policy.csv names them in
 * its own-account rules (`p, session:impersonation, platform, account, change_password, deny`), so what an
 * impersonation may do to the account it acts as is a rule a policy author can read and test.
 */
export const SESSION_SUBJECT_PREFIX = 'session:';
export const SESSION_KINDS = ['session:user', 'session:impersonation'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export function isSessionSubject(subject: string): boolean {
  return subject.startsWith(SESSION_SUBJECT_PREFIX);
}

/** The p rule that lets a link's subject do `actions` to one resource in one tenant. */
export function linkRules(shareId: string, tenantId: string, resource: string, actions: readonly string[]): string[][] {
  return actions.map((action) => [linkSubject(shareId), `tenant:${tenantId}`, resource, action, 'allow']);
}
