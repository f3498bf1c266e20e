import type { Principal } from '@portcullis/shared/auth';
import { tenantDomain, type Authorizer } from '@portcullis/shared/authz';
import { Forbidden, NotFound } from '@portcullis/shared/http';

/** Which events a caller may read: everything, or only some tenants' events. */
export type AuditScope = { all: true } | { all: false; tenantIds: string[] };

/**
 * The policy decides: `audit read` in the platform domain (platform admins, auditors) reads everything; `audit read`
 * in a tenant (tenant admins) reads that tenant's events, also when no tenant_id is asked for.
 */
export class AuditAccessService {
  constructor(private readonly authorizer: Authorizer) {}

  scopeFor(principal: Principal, action: 'read' | 'export', requestedTenantId?: string): AuditScope {
    if (this.authorizer.isAllowed(principal, 'platform', 'audit', action)) {
      return requestedTenantId ? { all: false, tenantIds: [requestedTenantId] } : { all: true };
    }
    if (requestedTenantId) {
      const domain = tenantDomain(requestedTenantId);
      if (this.authorizer.isAllowed(principal, domain, 'audit', action)) return { all: false, tenantIds: [requestedTenantId] };
      if (!this.authorizer.isAllowed(principal, domain, 'tenant', 'read')) throw new NotFound();
      throw new Forbidden('You may not read this tenant\'s audit events.');
    }
    const tenantIds = this.authorizer.tenantsWhere(principal, 'audit', action);
    if (!tenantIds.length) throw new Forbidden('You may not read audit events.');
    return { all: false, tenantIds };
  }
}
