import type { Context, Next } from 'koa';
import { principalOf } from '../auth/principal.js';
import { Forbidden, NotFound } from '../http/errors.js';
import type { Authorizer, Domain } from './authorizer.js';

/**
 * Koa guard: the policy must allow `action` on `object` in the domain the request names, or the request stops here.
 * In a tenant the caller cannot even see (no `tenant read` there) the answer is 404, exactly like a missing tenant;
 * 403 is for callers who can see it but may not do this.
 */
export function authorize(authorizer: Authorizer, object: string, action: string, domainOf: (ctx: Context) => Domain = () => 'platform') {
  return async function guard(ctx: Context, next: Next): Promise<void> {
    const principal = principalOf(ctx);
    const domain = domainOf(ctx);
    if (!authorizer.isAllowed(principal, domain, object, action)) {
      if (domain !== 'platform' && !authorizer.isAllowed(principal, domain, 'tenant', 'read')) throw new NotFound();
      throw new Forbidden(`You may not ${action} ${object} here.`);
    }
    await next();
  };
}
