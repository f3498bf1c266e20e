import type { Principal } from '../auth/principal.js';
import type { SessionKind } from './link-rules.js';

/** `platform` or `tenant:<id>`, as in the central policy. */
export type Domain = 'platform' | `tenant:${string}`;

export function tenantDomain(tenantId: string): Domain {
  return `tenant:${tenantId}`;
}

/** The decision seam every guard asks. Services depend on this interface; the central Casbin policy implements it. */
export interface Authorizer {
  isAllowed(principal: Principal, domain: Domain, object: string, action: string): boolean;
  /** The tenants (ids) in which the principal may do `action` to `object`. */
  tenantsWhere(principal: Principal, object: string, action: string): string[];
  /** Whether the principal holds a role in the tenant itself (platform roles, which reach every tenant, do not count). */
  isMember(principal: Principal, tenantId: string): boolean;
  /**
   * What the caller's kind of session may do to the account it is signed in to (object `account`, platform domain):
   * decided for `session:user` or `session:impersonation`, by policy.csv's own-account rules.
   */
  sessionMay(principal: Principal, action: string): boolean;
}

/** The session kind of a principal: an impersonation token's, or a user's own sign-in. */
export function sessionKindOf(principal: Pick<Principal, 'impersonator_id'>): SessionKind {
  return principal.impersonator_id ? 'session:impersonation' : 'session:user';
}
