import Router from '@koa/router';
import { serveJwks, type SigningKeyService } from '@portcullis/shared/auth';

/** JWKS and OpenID discovery, at the root where clients and gateways look for them. */
export function wellKnownRoutes(keys: SigningKeyService, issuer: string): Router {
  const base = issuer.replace(/\/$/, '');
  const router = new Router({ prefix: '/.well-known' });
  router.get('/jwks.json', serveJwks(keys));
  router.get('/openid-configuration', (ctx) => {
    ctx.set('cache-control', 'public, max-age=300');
    ctx.remove('pragma');
    ctx.body = {
      issuer,
      jwks_uri: `${base}/.well-known/jwks.json`,
      token_endpoint: `${base}/v1/auth/login`,
      userinfo_endpoint: `${base}/v1/me`,
      revocation_endpoint: `${base}/v1/auth/logout`,
      response_types_supported: ['token'],
      grant_types_supported: ['password', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['EdDSA'],
      token_endpoint_auth_methods_supported: ['none'],
      claims_supported: ['iss', 'aud', 'sub', 'client_id', 'iat', 'exp', 'jti', 'sid', 'auth_time', 'amr', 'act'],
    };
  });
  return router;
}
