import type Koa from 'koa';
import { authenticate, KeyCipher, SigningKeyService, TokenVerifier } from '@portcullis/shared/auth';
import { accessGuards } from '@portcullis/shared/authz';
import { OrmUnitOfWork } from '@portcullis/shared/db';
import { createHttpApp, type Logger } from '@portcullis/shared/http';
import type { ServiceRuntime } from '@portcullis/shared/runtime';
import type { IdentityConfig } from './config.js';
import { createIdentityOutbox, IDENTITY_SERVICE } from './events/identity-events.js';
import { startRevocationsResponder } from './events/revocations.responder.js';
import { startUserLookupResponder } from './events/user-lookup.responder.js';
import { identityRepositories } from './repositories/index.js';
import { identityRouters, identityWellKnown } from './routes/index.js';
import { wellKnownRoutes } from './routes/well-known.routes.js';
import { AuthService } from './services/auth.service.js';
import { InvitationClient } from './services/invitation-client.js';
import { ImpersonationService } from './services/impersonation.service.js';
import { LoginThrottle } from './services/login-throttle.js';
import { MfaService } from './services/mfa.service.js';
import { PasswordHasher } from './services/password-hasher.js';
import { ProfileService } from './services/profile.service.js';
import { RegistrationService } from './services/registration.service.js';
import { SessionService } from './services/session.service.js';
import { TokenService } from './services/token.service.js';
import { UserAdminService } from './services/user-admin.service.js';
import { UserService } from './services/user.service.js';

export interface IdentityApp {
  app: Koa;
  users: UserService;
  auth: AuthService;
  signingKeys: SigningKeyService;
  tokens: TokenService;
  verifier: TokenVerifier;
  impersonation: ImpersonationService;
  stop: () => void;
}

/** How often expired impersonations are recorded as ended (`impersonation.ended`, reason `expired`). */
const IMPERSONATION_SWEEP_MS = 15_000;

/** Wires identity's services and routes onto a runtime; starts nothing that listens on a port. */
export function buildIdentityApp(config: IdentityConfig, runtime: ServiceRuntime, logger: Logger): IdentityApp {
  const outbox = createIdentityOutbox(config.NATS_SUBJECT_PREFIX, () => runtime.relay.wake());
  const hasher = new PasswordHasher();
  const signingKeys = new SigningKeyService(runtime.orm, new KeyCipher(config.KEY_ENCRYPTION_SECRET, 'signing-keys'), {
    lockName: 'identity.signing-keys',
    rotationMs: config.SIGNING_KEY_ROTATION,
    publishAfterRetirementMs: config.ACCESS_TOKEN_TTL + 60_000,
  });
  const tokens = new TokenService(signingKeys, {
    issuer: config.ISSUER,
    audience: config.ACCESS_TOKEN_AUDIENCE,
    clientId: config.ACCESS_TOKEN_CLIENT_ID,
    accessTokenTtlMs: config.ACCESS_TOKEN_TTL,
  });
  const uow = new OrmUnitOfWork({ orm: runtime.orm, repositories: identityRepositories, outbox, grants: runtime.grants });
  const users = new UserService(uow, hasher);
  const sessions = new SessionService(uow, config.REVOKED_SESSIONS_BUCKET);
  const mfa = new MfaService(uow, new KeyCipher(config.KEY_ENCRYPTION_SECRET, 'totp-secrets'), config.MFA_ISSUER_NAME);
  const throttle = new LoginThrottle(uow, {
    maxFailures: config.LOGIN_MAX_FAILURES,
    maxFailuresPerSource: config.LOGIN_MAX_FAILURES_PER_SOURCE,
    baseLockMs: config.LOGIN_LOCK_BASE,
    maxLockMs: config.LOGIN_LOCK_MAX,
    windowMs: config.LOGIN_FAILURE_WINDOW,
  });
  const auth = new AuthService(uow, hasher, tokens, { refreshTokenTtlMs: config.REFRESH_TOKEN_TTL, sessions, mfa, throttle });
  const impersonation = new ImpersonationService(uow, tokens, sessions, config.IMPERSONATION_MAX_TTL);
  const userAdmin = new UserAdminService(uow, users, sessions, impersonation);
  const profile = new ProfileService(uow, hasher, sessions, throttle);
  const registration = new RegistrationService(users, auth, new InvitationClient(runtime.nc, config.NATS_SUBJECT_PREFIX));
  const verifier = new TokenVerifier({ issuer: config.ISSUER, audience: config.ACCESS_TOKEN_AUDIENCE, keys: signingKeys.verificationKey });
  const requireAuth = authenticate(verifier, { isRevoked: (principal) => auth.isSessionRevoked(principal), authorizer: runtime.authorizer });

  const { app } = createHttpApp({
    service: IDENTITY_SERVICE,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    logger,
    orm: runtime.orm,
    readiness: runtime.readiness,
    extraRouters: [wellKnownRoutes(signingKeys, config.ISSUER)],
    documented: identityWellKnown,
    routers: identityRouters({ auth, registration, users, profile, sessions, mfa, userAdmin, impersonation }, accessGuards(requireAuth, runtime.authorizer)),
  });
  const responders = [startUserLookupResponder(runtime.nc, users, config.NATS_SUBJECT_PREFIX, logger), startRevocationsResponder(runtime.nc, sessions, config.NATS_SUBJECT_PREFIX, logger)];
  const sweep = setInterval(() => {
    impersonation.endExpired().catch((error: unknown) => logger.warn({ err: error }, 'could not record expired impersonations; will retry'));
  }, IMPERSONATION_SWEEP_MS);
  sweep.unref();
  return {
    app,
    users,
    auth,
    signingKeys,
    tokens,
    verifier,
    impersonation,
    stop: () => {
      clearInterval(sweep);
      for (const responder of responders) responder.stop();
    },
  };
}
