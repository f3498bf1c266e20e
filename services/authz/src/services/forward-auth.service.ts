import type { Principal } from '@portcullis/shared/auth';
import { assertAllowed, tenantDomain, type Authorizer } from '@portcullis/shared/authz';
import { Forbidden, Unauthorized } from '@portcullis/shared/http';
import type { RouteTable } from './route-table.js';

export interface ForwardAuthRequest {
  method: string;
  uri: string;
  /** Resolves the bearer token to a principal, or throws Unauthorized; a grant token only where the route takes one. */
  authenticate: (options: { grantTokens: boolean }) => Promise<Principal>;
}

export interface ForwardAuthResult {
  headers: Record<string, string>;
}

/**
 * Decides a gateway's sub-request: public routes pass, others need a token and, when listed, the policy's yes. In a
 * tenant the caller cannot see, the answer is 404 like for a missing tenant (as the services answer).
 */
export class ForwardAuthService {
  constructor(
    private readonly routes: RouteTable,
    private readonly authorizer: Authorizer,
  ) {}

  async decide(request: ForwardAuthRequest): Promise<ForwardAuthResult> {
    const decision = this.routes.decide(request.method, request.uri);
    if (decision.kind === 'public') return { headers: {} };
    if (decision.kind === 'unknown') {
      // Still authenticate first, so a caller without a token learns that (401) rather than 403.
      await request.authenticate({ grantTokens: false });
      throw new Forbidden('This route is not in the gateway route table.');
    }
    const principal = await request.authenticate({ grantTokens: decision.kind === 'authenticated' && decision.grantTokens === true });
    const headers: Record<string, string> = {
      'x-auth-user-id': principal.user_id,
      ...(principal.impersonator_id ? { 'x-auth-impersonator-id': principal.impersonator_id } : {}),
    };
    if (decision.kind === 'authenticated') return { headers };
    const domain = decision.tenantId ? tenantDomain(decision.tenantId) : 'platform';
    assertAllowed(this.authorizer, principal, domain, decision.object, decision.action);
    return { headers: { ...headers, ...(decision.tenantId ? { 'x-auth-tenant-id': decision.tenantId } : {}) } };
  }
}

export { Unauthorized };
