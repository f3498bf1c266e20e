import type { Context, Middleware, Next } from 'koa';
import { principalOf } from '../auth/principal.js';
import { isOwnAccount, isPermission, type Access, type AccessGuards, type Permission } from '../http/access.js';
import { NotFound } from '../http/errors.js';
import { tenantDomain, type Authorizer } from './authorizer.js';
import { authorize, authorizeOwnAccount } from './guard.js';

type WithParams = { params: Record<string, string | undefined> };
const paramOf = (ctx: Context, name: string) => (ctx as unknown as WithParams).params[name];

/** The guard for a route whose tenant is a path parameter: the policy decides in that tenant's domain. */
export function authorizeInTenant(authorizer: Authorizer, object: string, action: string, tenantParam = 'tenant_id'): Middleware {
  return authorize(authorizer, object, action, (ctx: Context) => tenantDomain(String(paramOf(ctx, tenantParam) ?? '')));
}

/** `me` or the caller's own id needs only to see the tenant (the parameter becomes the caller's id); anyone else, the permission. */
function selfOrPermitted(authorizer: Authorizer, permission: Permission & { tenant: string; self: string }): Middleware {
  const others = authorizeInTenant(authorizer, permission.object, permission.action, permission.tenant);
  return async (ctx: Context, next: Next) => {
    const params = (ctx as unknown as WithParams).params;
    const principal = principalOf(ctx);
    if (params[permission.self] !== 'me' && params[permission.self] !== principal.user_id) return others(ctx, next);
    if (!authorizer.isAllowed(principal, tenantDomain(params[permission.tenant] ?? ''), 'tenant', 'read')) throw new NotFound();
    params[permission.self] = principal.user_id;
    return next();
  };
}

/**
 * A service's guards for the access its routes declare: its own authentication (a verifier and its revocation checks),
 * then the policy. Handed to each ApiRouter, which installs them route by route. `withGrantTokens` authenticates the
 * routes that also take a share link's grant token (authz's checks); only those do.
 */
export function accessGuards(authenticate: Middleware, authorizer: Authorizer, withGrantTokens?: Middleware): AccessGuards {
  return (access: Access): Middleware[] => {
    if (access === 'public') return [];
    if (access === 'authenticated') return [authenticate];
    if (access === 'grant-tokens') {
      if (!withGrantTokens) throw new Error('a route taking grant tokens needs an authentication that accepts them');
      return [withGrantTokens];
    }
    if (isOwnAccount(access)) return [authenticate, authorizeOwnAccount(authorizer, access.ownAccount)];
    if (!isPermission(access)) throw new Error(`unknown access ${JSON.stringify(access)}`);
    if (access.self) {
      if (!access.tenant) throw new Error('a route with `self` names its tenant parameter too');
      return [authenticate, selfOrPermitted(authorizer, access as Permission & { tenant: string; self: string })];
    }
    return [authenticate, access.tenant ? authorizeInTenant(authorizer, access.object, access.action, access.tenant) : authorize(authorizer, access.object, access.action)];
  };
}
