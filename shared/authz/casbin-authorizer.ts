import type { Principal } from '../auth/principal.js';
import { ServiceUnavailable } from '../http/errors.js';
import { sessionKindOf, tenantDomain, type Authorizer, type Domain } from './authorizer.js';
import { PolicyUnavailable, type PolicyEngine } from './policy-engine.js';

/** Decisions from the central policy, as the principal (an impersonator acts with the impersonated user's rights). */
export class CasbinAuthorizer implements Authorizer {
  constructor(readonly engine: PolicyEngine) {}

  isAllowed(principal: Principal, domain: Domain, object: string, action: string): boolean {
    return this.failClosed(() => this.engine.enforce(principal.user_id, domain, object, action));
  }

  tenantsWhere(principal: Principal, object: string, action: string): string[] {
    return this.failClosed(() =>
      [...new Set(this.engine.grantsOf(principal.user_id).map((g) => g.domain))]
        .filter((domain) => domain.startsWith('tenant:') && this.engine.enforce(principal.user_id, domain, object, action))
        .map((domain) => domain.slice('tenant:'.length)),
    );
  }

  isMember(principal: Principal, tenantId: string): boolean {
    const domain = tenantDomain(tenantId);
    return this.failClosed(() => this.engine.grantsOf(principal.user_id).some((g) => g.domain === domain));
  }

  sessionMay(principal: Principal, action: string): boolean {
    return this.failClosed(() => this.engine.enforce(sessionKindOf(principal), 'platform', 'account', action));
  }

  private failClosed<T>(decide: () => T): T {
    try {
      return decide();
    } catch (error) {
      // Never answer from a policy that may be missing a revocation.
      if (error instanceof PolicyUnavailable) throw new ServiceUnavailable('Authorization is temporarily unavailable.');
      throw error;
    }
  }
}
