import type { Principal } from '../auth/principal.js';

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
}
