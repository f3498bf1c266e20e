import type Koa from 'koa';
import { authenticate, KeyCipher, SigningKeyService, TokenVerifier } from '@portcullis/shared/auth';
import { createHttpApp, type Logger } from '@portcullis/shared/http';
import type { ServiceRuntime } from '@portcullis/shared/runtime';
import type { IdentityConfig } from './config.js';
import { createIdentityOutbox, IDENTITY_SERVICE } from './events/identity-events.js';
import { startUserLookupResponder } from './events/user-lookup.responder.js';
import { authRoutes } from './routes/auth.routes.js';
import { meRoutes } from './routes/me.routes.js';
import { mfaRoutes } from './routes/mfa.routes.js';
import { userRoutes } from './routes/users.routes.js';
import { impersonationRoutes } from './routes/impersonation.routes.js';
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
  stop: () => void;
}

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
  const users = new UserService(runtime.orm, hasher, outbox, runtime.grants);
  const sessions = new SessionService(runtime.orm, outbox, runtime.revokedSessions, logger);
  const mfa = new MfaService(runtime.orm, new KeyCipher(config.KEY_ENCRYPTION_SECRET, 'totp-secrets'), outbox, config.MFA_ISSUER_NAME);
  const throttle = new LoginThrottle(runtime.orm, outbox, {
    maxFailures: config.LOGIN_MAX_FAILURES,
    maxFailuresPerSource: config.LOGIN_MAX_FAILURES_PER_SOURCE,
    baseLockMs: config.LOGIN_LOCK_BASE,
    maxLockMs: config.LOGIN_LOCK_MAX,
    windowMs: config.LOGIN_FAILURE_WINDOW,
  });
  const auth = new AuthService(runtime.orm, hasher, tokens, outbox, { refreshTokenTtlMs: config.REFRESH_TOKEN_TTL, sessions, mfa, throttle });
  const impersonation = new ImpersonationService(runtime.orm, tokens, sessions, outbox);
  const userAdmin = new UserAdminService(runtime.orm, users, sessions, runtime.grants, outbox);
  const profile = new ProfileService(runtime.orm, hasher, outbox, sessions);
  const registration = new RegistrationService(users, auth, new InvitationClient(runtime.nc, config.NATS_SUBJECT_PREFIX));
  const verifier = new TokenVerifier({ issuer: config.ISSUER, audience: config.ACCESS_TOKEN_AUDIENCE, keys: signingKeys.verificationKey });
  const requireAuth = authenticate(verifier, (principal) => auth.isSessionRevoked(principal));

  const { app } = createHttpApp({
    service: IDENTITY_SERVICE,
    logger,
    orm: runtime.orm,
    readiness: runtime.readiness,
    extraRouters: [wellKnownRoutes(signingKeys, config.ISSUER)],
    routers: [authRoutes(auth, registration, requireAuth), meRoutes(users, profile, sessions, requireAuth), mfaRoutes(mfa, users, requireAuth), userRoutes(userAdmin, runtime.authorizer, requireAuth),
      impersonationRoutes(impersonation, runtime.authorizer, requireAuth)],
  });
  const responder = startUserLookupResponder(runtime.nc, users, config.NATS_SUBJECT_PREFIX, logger);
  return { app, users, auth, signingKeys, tokens, verifier, stop: responder.stop };
}
