import type { Context } from 'koa';
import { ApiRouter, InvalidRequest, Unauthorized } from '@portcullis/shared/http';
import { bearerToken, type SessionRevocationCheck, type PrincipalVerifier } from '@portcullis/shared/auth';
import type { ForwardAuthService } from '../services/forward-auth.service.js';

/** The original call, from nginx (x-original-*) or Traefik/Envoy (x-forwarded-*). */
function originalCall(ctx: Context): { method: string; uri: string } {
  const method = ctx.get('x-original-method') || ctx.get('x-forwarded-method');
  const uri = ctx.get('x-original-uri') || ctx.get('x-forwarded-uri');
  if (!method || !uri) throw new InvalidRequest('Send the original call in x-original-method and x-original-uri (or x-forwarded-method and x-forwarded-uri).');
  return { method, uri };
}

/** Verifiers by what the route accepts: access tokens only, or share grant tokens as well. */
export interface ForwardAuthVerifiers {
  accessTokens: PrincipalVerifier;
  withGrantTokens: PrincipalVerifier;
}

export function forwardAuthRoutes(forwardAuth: ForwardAuthService, verifiers: ForwardAuthVerifiers, isRevoked: SessionRevocationCheck): ApiRouter {
  return new ApiRouter('/v1').get('/forward-auth', {
    summary: 'Gateway sub-request: 200 with x-auth-* headers, or 401/403',
    tags: ['gateway'],
    public: true,
    responses: { 200: { description: 'Allowed; identity in x-auth-user-id, x-auth-tenant-id, x-auth-impersonator-id' } },
  }, async (ctx) => {
    const { method, uri } = originalCall(ctx);
    const result = await forwardAuth.decide({
      method,
      uri,
      authenticate: async ({ grantTokens }) => {
        const token = bearerToken(ctx);
        if (!token) throw new Unauthorized();
        const principal = await (grantTokens ? verifiers.withGrantTokens : verifiers.accessTokens).verify(token);
        if (await isRevoked(principal)) throw new Unauthorized('The session has ended.');
        return principal;
      },
    });
    ctx.set(result.headers);
    ctx.status = 200;
    ctx.body = { allowed: true };
  });
}
