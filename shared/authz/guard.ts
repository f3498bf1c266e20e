import type { Context, Next } from 'koa';
import { principalOf, type Principal } from '../auth/principal.js';
import { Forbidden, NotFound } from '../http/errors.js';
import type { Authorizer, Domain } from './authorizer.js';

/**
 * Koa guard: the policy must allow `action` on `object` in the domain the request names, or the request stops here.
 * In a tenant the caller cannot even see (no `tenant read` there) the answer is 404, exactly like a missing tenant;
 * 403 is for callers who can see it but may not do this.
 */
export function authorize(authorizer: Authorizer, object: string, action: string, domainOf: (ctx: Context) => Domain = () => 'platform') {
  return async function guard(ctx: Context, next: Next): Promise<void> {
    assertAllowed(authorizer, principalOf(ctx), domainOf(ctx), object, action);
    await next();
  };
}

/**
 * Koa guard for what a caller does to the account it is signed in to: the policy decides for its kind of session, so an
 * impersonation cannot take over the account it acts as (change its password, second factors or sessions).
 */
export function authorizeOwnAccount(authorizer: Authorizer, action: string) {
  return async function ownAccountGuard(ctx: Context, next: Next): Promise<void> {
    const principal = principalOf(ctx);
    if (!authorizer.sessionMay(principal, action)) {
      if (principal.impersonator_id) throw new Forbidden(`An impersonation may not ${action.replaceAll('_', ' ')} of the account it acts as.`, 'impersonation-forbidden');
      throw new Forbidden(`You may not ${action.replaceAll('_', ' ')} here.`);
    }
    await next();
  };
}

/** The guard's decision, for checks whose object is only known inside the handler (e.g. a type named in the body). */
export function assertAllowed(authorizer: Authorizer, principal: Principal, domain: Domain, object: string, action: string): void {
  if (authorizer.isAllowed(principal, domain, object, action)) return;
  if (domain !== 'platform' && !authorizer.isAllowed(principal, domain, 'tenant', 'read')) throw new NotFound();
  throw new Forbidden(`You may not ${action} ${object} here.`);
}
