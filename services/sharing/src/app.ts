import type Koa from 'koa';
import Router from '@koa/router';
import { ACCESS_TOKEN_TYPE, authenticate, BearerVerifier, KeyCipher, serveJwks, SigningKeyService, TokenVerifier } from '@portcullis/shared/auth';
import { accessGuards } from '@portcullis/shared/authz';
import { OrmUnitOfWork } from '@portcullis/shared/db';
import { createHttpApp, type Logger } from '@portcullis/shared/http';
import type { ServiceRuntime } from '@portcullis/shared/runtime';
import type { SharingConfig } from './config.js';
import { createSharingOutbox, SHARING_SERVICE } from './events/sharing-events.js';
import { tenantEventsConsumer } from './events/tenant-events.consumer.js';
import { sharingRepositories } from './repositories/index.js';
import { sharingRouters, sharingWellKnown } from './routes/index.js';
import { GrantTokenService } from './services/grant-tokens.js';
import { ShareResolver } from './services/share-resolver.js';
import { ShareService } from './services/share.service.js';
import { TenantDirectory } from './services/tenant-directory.js';

export interface SharingApp {
  app: Koa;
  shares: ShareService;
  resolver: ShareResolver;
  signingKeys: SigningKeyService;
  /** Starts following tenancy's tenant events. */
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Wires sharing's services and routes onto a runtime; starts nothing that listens on a port. */
export function buildSharingApp(config: SharingConfig, runtime: ServiceRuntime, logger: Logger): SharingApp {
  const accessTokens = new TokenVerifier({ issuer: config.TOKEN_ISSUER, audience: config.ACCESS_TOKEN_AUDIENCE, keys: new URL(config.IDENTITY_JWKS_URL) });
  const requireAuth = authenticate(accessTokens, runtime.sessionChecks);
  const outbox = createSharingOutbox(config.NATS_SUBJECT_PREFIX, () => runtime.relay.wake());
  const signingKeys = new SigningKeyService(runtime.orm, new KeyCipher(config.KEY_ENCRYPTION_SECRET, 'signing-keys'), {
    lockName: 'sharing.signing-keys',
    rotationMs: config.SIGNING_KEY_ROTATION,
    publishAfterRetirementMs: config.GRANT_TOKEN_TTL + 60_000,
  });
  const grantTokens = new GrantTokenService(signingKeys, { issuer: config.GRANT_TOKEN_ISSUER, audience: config.GRANT_TOKEN_AUDIENCE, ttlMs: config.GRANT_TOKEN_TTL });
  const tenants = new TenantDirectory(runtime.nc, config.NATS_SUBJECT_PREFIX);
  const uow = new OrmUnitOfWork({ orm: runtime.orm, repositories: sharingRepositories, outbox, grants: runtime.grants });
  const shares = new ShareService(uow, runtime.authorizer, tenants, {
    maxLifetimeMs: config.SHARE_MAX_LIFETIME,
    publicUrl: config.PUBLIC_URL,
  });
  // A `tenant` link's viewer signs in with an access token; only those are accepted there.
  const viewers = new BearerVerifier({ [ACCESS_TOKEN_TYPE]: accessTokens });
  const resolver = new ShareResolver(uow, runtime.authorizer, viewers, runtime.sessionChecks, grantTokens, logger);
  const wellKnown = new Router({ prefix: '/.well-known' }).get('/jwks.json', serveJwks(signingKeys));
  const { app } = createHttpApp({
    service: SHARING_SERVICE,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    logger,
    orm: runtime.orm,
    readiness: runtime.readiness,
    routers: sharingRouters({ shares, resolver }, accessGuards(requireAuth, runtime.authorizer), { points: config.RESOLVE_RATE_LIMIT, windowMs: config.RESOLVE_RATE_WINDOW }),
    extraRouters: [wellKnown],
    documented: sharingWellKnown,
  });
  const consumer = tenantEventsConsumer({
    nc: runtime.nc,
    js: runtime.js,
    stream: config.AUDIT_STREAM,
    durable: config.TENANT_EVENTS_CONSUMER,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    shares,
    tenants,
    logger,
  });
  return { app, shares, resolver, signingKeys, start: () => consumer.start(), stop: () => consumer.stop() };
}
