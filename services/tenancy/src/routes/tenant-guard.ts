import type { Context } from 'koa';
import { authorize, tenantDomain, type Authorizer } from '@portcullis/shared/authz';

/** The guard for a route under /tenants/:tenant_id: the policy decides in that tenant's domain. */
export function authorizeInTenant(authorizer: Authorizer, object: string, action: string) {
  return authorize(authorizer, object, action, (ctx: Context) => tenantDomain(String((ctx as unknown as { params: { tenant_id?: string } }).params.tenant_id ?? '')));
}
