// Test support for identity's unit tests: the service graph over in-memory repositories, with a signing key made in
// the test instead of SigningKeyService (Postgres). Only *.unit.test.ts files import this.
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { generate } from 'otplib';
import { KeyCipher, revocationSubject, SIGNING_ALGORITHM, TokenVerifier, type AuditContext, type Principal } from '@portcullis/shared/auth';
import type { ClientInfo } from '@portcullis/shared/http';
import { inMemoryIdentity } from '../repositories/in-memory.js';
import { AuthService, tokensOf, type TokenPair } from './auth.service.js';
import { ImpersonationService } from './impersonation.service.js';
import { LoginThrottle, type ThrottleSettings } from './login-throttle.js';
import { MfaService } from './mfa.service.js';
import { PasswordHasher } from './password-hasher.js';
import { ProfileService } from './profile.service.js';
import { SessionService } from './session.service.js';
import { TokenService, type SigningKeys } from './token.service.js';
import { UserAdminService } from './user-admin.service.js';
import { UserService } from './user.service.js';

export const PASSWORD = 'correct horse battery staple 42';
export const REVOCATION_BUCKET = 'revoked-sessions';
const ISSUER = 'https://identity.unit.test';
const AUDIENCE = 'portcullis';

/** One Ed25519 key made for the test: it signs like SigningKeyService's current key, and verifies what it signed. */
export class TestSigningKey implements SigningKeys {
  private constructor(
    private readonly kid: string,
    private readonly privateKey: CryptoKey,
    readonly verifier: TokenVerifier,
  ) {}

  static async create(): Promise<TestSigningKey> {
    const kid = randomUUID();
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' }] });
    return new TestSigningKey(kid, privateKey, new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys, cacheSize: 0 }));
  }

  async currentKey() {
    return { kid: this.kid, key: this.privateKey };
  }
}

export const audit = (userId: string | null = 'actor'): AuditContext => ({ actor: { user_id: userId }, request_id: 'req-1' });
/** A caller from one address; each test that counts per-source failures takes its own. */
export const from = (ip?: string): ClientInfo => ({ request_id: 'req-1', ...(ip ? { ip } : {}) });

export interface TestUser {
  id: string;
  email: string;
}

/** Identity's services over one in-memory unit of work, as app.ts wires them over Postgres. */
export async function identityUnderTest(options: { throttle?: Partial<ThrottleSettings>; refreshTokenTtlMs?: number } = {}) {
  const uow = inMemoryIdentity();
  const key = await TestSigningKey.create();
  const hasher = new PasswordHasher();
  const tokens = new TokenService(key, { issuer: ISSUER, audience: AUDIENCE, clientId: 'console', accessTokenTtlMs: 5 * 60_000 });
  const users = new UserService(uow, hasher);
  const sessions = new SessionService(uow, REVOCATION_BUCKET);
  const mfa = new MfaService(uow, new KeyCipher('a unit test secret that is long enough', 'totp-secrets'), 'Portcullis');
  const throttle = new LoginThrottle(uow, { maxFailures: 3, maxFailuresPerSource: 5, baseLockMs: 1_000, maxLockMs: 8_000, windowMs: 15 * 60_000, ...options.throttle });
  const auth = new AuthService(uow, hasher, tokens, { refreshTokenTtlMs: options.refreshTokenTtlMs ?? 24 * 3600_000, sessions, mfa, throttle });
  const impersonation = new ImpersonationService(uow, tokens, sessions, 30 * 60_000);
  const userAdmin = new UserAdminService(uow, users, sessions, impersonation);
  const profile = new ProfileService(uow, hasher, sessions, throttle);
  const recoveryCodes = new Map<string, string[]>();

  /** A user made through the service, as the admin API makes one. */
  async function user(label: string, platformRoles: string[] = []): Promise<TestUser> {
    const created = await users.create({ email: `${label}@example.test`, name: label, password: PASSWORD, platformRoles }, audit(null));
    return { id: created.id, email: created.email };
  }

  /** Signs in with the password (no second factor): the token pair. */
  async function signIn(who: TestUser, client = from()): Promise<TokenPair> {
    return tokensOf(await auth.login(who.email, PASSWORD, client));
  }

  /** The principal a request with this access token would have: the token verified with the test key. */
  const principalOf = (tokens: Pick<TokenPair, 'access_token'>): Promise<Principal> => key.verifier.verify(tokens.access_token);

  /** Turns TOTP on and signs in with the second factor: what impersonation asks for (amr with otp, a recent auth_time). */
  async function signInWithTotp(who: TestUser, client = from()): Promise<{ tokens: TokenPair; principal: Principal }> {
    let code: string;
    const codes = recoveryCodes.get(who.id);
    if (!codes) {
      const { secret } = await mfa.enroll(who.id, who.email);
      const confirmed = await mfa.confirm(who.id, await generate({ secret }), audit(who.id));
      recoveryCodes.set(who.id, confirmed.recovery_codes);
      // The confirmation spent this time step's code: the next one.
      code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    } else {
      // A code is accepted once per time step: later sign-ins in the same test use recovery codes.
      code = codes.pop()!;
    }
    const challenge = await auth.login(who.email, PASSWORD, client);
    if (!('mfa_required' in challenge)) throw new Error('expected an MFA challenge');
    const pair = await auth.completeMfa(challenge.mfa_token, code, client);
    return { tokens: pair, principal: await principalOf(pair) };
  }

  /** The revocation messages sent for this session (the revoked-sessions bucket's subject). */
  const revocationsOf = (sessionId: string) => uow.messages.filter((m) => m.subject === revocationSubject(REVOCATION_BUCKET, sessionId));

  const isActive = (sessionId: string) => uow.read((repos) => repos.sessions.isSessionActive(sessionId));

  return { uow, key, tokens, users, sessions, mfa, throttle, auth, impersonation, userAdmin, profile, user, signIn, signInWithTotp, principalOf, revocationsOf, isActive };
}

export type IdentityUnderTest = Awaited<ReturnType<typeof identityUnderTest>>;
