import { z } from 'zod';
import type { Context } from 'koa';
import { ApiRouter, Forbidden, InvalidRequest, NotFound, Unauthorized } from '@portcullis/shared/http';
import { assertSessionLive, bearerToken, type PrincipalVerifier, type SessionChecks } from '@portcullis/shared/auth';
import type { ForwardAuthService } from '../services/forward-auth.service.js';

/** The gateway in front: it decides which headers carry the original call (never a copy the client could send). */
export type GatewayKind = 'nginx' | 'traefik' | 'envoy';

/**
 * The original call, from the headers the configured gateway itself sets: nginx `x-original-*` (auth_request);
 * Traefik and Envoy `x-forwarded-method`/`x-forwarded-uri` (they overwrite a client's). The other pair is ignored: a
 * client can send it through untouched.
 */
function originalCall(ctx: Context, gateway: GatewayKind): { method: string; uri: string } {
  const [methodHeader, uriHeader] = gateway === 'nginx' ? ['x-original-method', 'x-original-uri'] : ['x-forwarded-method', 'x-forwarded-uri'];
  const method = ctx.get(methodHeader);
  const uri = ctx.get(uriHeader);
  if (!method || !uri) throw new InvalidRequest(`Send the original call in ${methodHeader} and ${uriHeader} (this authz is configured for ${gateway}).`);
  return { method, uri };
}

/** Verifiers by what the route accepts: access tokens only, or share grant tokens as well. */
export interface ForwardAuthVerifiers {
  accessTokens: PrincipalVerifier;
  withGrantTokens: PrincipalVerifier;
}

/**
 * nginx's auth_request passes only 401 and 403 on (anything else is an error): "not found" (another tenant's resource,
 * answered like a missing one) goes as 403 with x-auth-status: 404, which the gateway turns into its 404.
 */
function forNginx(error: unknown): unknown {
  if (!(error instanceof NotFound)) return error;
  const refusal = new Forbidden(error.detail);
  refusal.headers['x-auth-status'] = '404';
  return refusal;
}

export function forwardAuthRoutes(forwardAuth: ForwardAuthService, verifiers: ForwardAuthVerifiers, checks: SessionChecks, gateway: GatewayKind): ApiRouter {
  return new ApiRouter('/v1').get('/forward-auth', {
    summary: 'Gateway sub-request: 200 with x-auth-* headers, or 401/403/404',
    operationId: 'forwardAuth',
    tags: ['gateway'],
    // The gateway's own sub-request: it authenticates the call it asks about, and is not a route clients are sent to.
    access: 'public',
    gateway: 'not-routed',
    responses: { 200: { description: 'Allowed; identity in x-auth-user-id, x-auth-tenant-id, x-auth-impersonator-id', schema: z.object({ allowed: z.literal(true) }) } },
    problems: ['bad-request', 'unauthorized', 'invalid-token', 'forbidden', 'not-found'],
  }, async (ctx) => {
    const { method, uri } = originalCall(ctx, gateway);
    try {
      const result = await forwardAuth.decide({
        method,
        uri,
        authenticate: async ({ grantTokens }) => {
          const token = bearerToken(ctx);
          if (!token) throw new Unauthorized();
          const principal = await (grantTokens ? verifiers.withGrantTokens : verifiers.accessTokens).verify(token);
          await assertSessionLive(principal, checks);
          return principal;
        },
      });
      ctx.set(result.headers);
      ctx.status = 200;
      ctx.body = { allowed: true };
    } catch (error) {
      throw gateway === 'nginx' ? forNginx(error) : error;
    }
  });
}
