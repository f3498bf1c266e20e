import type Koa from 'koa';
import { ACCESS_TOKEN_TYPE, authenticate, BearerVerifier, GRANT_TOKEN_TYPE, TokenVerifier } from '@portcullis/shared/auth';
import { accessGuards, readVocabulary } from '@portcullis/shared/authz';
import { createHttpApp, type Logger } from '@portcullis/shared/http';
import type { ServiceRuntime } from '@portcullis/shared/runtime';
import type { AuthzConfig } from './config.js';
import { AUTHZ_SERVICE } from './events/authz-events.js';
import { forwardAuthRoutes } from './routes/forward-auth.routes.js';
import { authzRouters } from './routes/index.js';
import { DecisionService } from './services/decision.service.js';
import { ForwardAuthService } from './services/forward-auth.service.js';
import { RouteTable } from './services/route-table.js';

export interface AuthzApp {
  app: Koa;
  decisions: DecisionService;
}

export function buildAuthzApp(config: AuthzConfig, runtime: ServiceRuntime, logger: Logger): AuthzApp {
  const accessTokens = new TokenVerifier({ issuer: config.TOKEN_ISSUER, audience: config.ACCESS_TOKEN_AUDIENCE, keys: new URL(config.IDENTITY_JWKS_URL) });
  const verifier = new BearerVerifier({
    [ACCESS_TOKEN_TYPE]: accessTokens,
    [GRANT_TOKEN_TYPE]: new TokenVerifier({
      kind: 'grant',
      issuer: config.GRANT_TOKEN_ISSUER,
      audience: config.GRANT_TOKEN_AUDIENCE,
      keys: new URL(config.SHARING_JWKS_URL),
    }),
  });
  // Access tokens everywhere; a share link's grant token only where a route takes it (the checks).
  const guards = accessGuards(authenticate(new BearerVerifier({ [ACCESS_TOKEN_TYPE]: accessTokens }), runtime.sessionChecks), runtime.authorizer, authenticate(verifier, runtime.sessionChecks));
  const decisions = new DecisionService(runtime.policy, readVocabulary());
  const forwardAuth = new ForwardAuthService(RouteTable.load(), runtime.authorizer);
  const { app } = createHttpApp({
    service: AUTHZ_SERVICE,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    logger,
    // No per-request ORM context: every decision comes from memory (the policy engine), on the gateway's hot path.
    readiness: runtime.readiness,
    // Forward-auth first: it is the gateway's sub-request for every call, so it should be matched first.
    routers: [forwardAuthRoutes(forwardAuth, { accessTokens: new BearerVerifier({ [ACCESS_TOKEN_TYPE]: accessTokens }), withGrantTokens: verifier }, runtime.sessionChecks, config.GATEWAY), ...authzRouters(decisions, guards)],
  });
  return { app, decisions };
}
