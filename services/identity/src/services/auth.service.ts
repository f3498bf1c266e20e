import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '@portcullis/shared/auth';
import type { UnitOfWork } from '@portcullis/shared/db';
import { Unauthorized, type ClientInfo } from '@portcullis/shared/http';
import { IdentityEvent } from '../events/identity-events.js';
import { normalizeEmail, type IdentityRepositories } from '../repositories/index.js';
import { LoginThrottle } from './login-throttle.js';
import type { MfaService } from './mfa.service.js';
import type { PasswordHasher } from './password-hasher.js';
import type { SessionService } from './session.service.js';
import { newRefreshToken, type TokenService } from './token.service.js';

export interface MfaRequired {
  mfa_required: true;
  mfa_token: string;
  expires_in: number;
}

/** For callers that know MFA cannot be on (a brand-new account, tests): the tokens, or an error. */
export function tokensOf(answer: TokenPair | MfaRequired): TokenPair {
  if ('mfa_required' in answer) throw new Error('this sign-in needs the second factor');
  return answer;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

const INVALID_CREDENTIALS = 'The email or password is not correct.';
const INVALID_REFRESH = 'The refresh token is not valid.';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function actorOf(client: ClientInfo, userId: string | null) {
  return {
    user_id: userId,
    ...(client.ip ? { ip: client.ip } : {}),
    ...(client.user_agent ? { user_agent: client.user_agent } : {}),
  };
}

export interface AuthOptions {
  refreshTokenTtlMs: number;
  /** Ends sessions (and tells every service). */
  sessions: SessionService;
  mfa: MfaService;
  throttle: LoginThrottle;
}

/** Password login (with TOTP and brute-force protection), refresh rotation with reuse detection, and logout. */
export class AuthService {
  constructor(
    private readonly uow: UnitOfWork<IdentityRepositories>,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly options: AuthOptions,
  ) {}

  /** Password sign-in; with TOTP on, the answer is an MFA challenge instead of tokens. */
  async login(email: string, password: string, client: ClientInfo): Promise<TokenPair | MfaRequired> {
    const { throttle, mfa } = this.options;
    const keys = LoginThrottle.keys({ kind: 'account', email: normalizeEmail(email) }, client);
    await throttle.assertOpen(keys);
    const user = await this.uow.read((repos) => repos.users.findByEmailWithPassword(email));
    const passwordOk = user ? await this.hasher.verify(user.passwordHash, password) : await this.hasher.verifyAgainstNothing(password);
    const failure = !user ? 'unknown_email' : !passwordOk ? 'invalid_password' : user.status !== 'active' ? 'user_disabled' : undefined;

    if (failure || !user) {
      await this.uow.run(async (tx) => {
        tx.record({
          action: IdentityEvent.loginFailed,
          subject: user ? `user:${user.id}` : 'user:unknown',
          data: {
            actor: actorOf(client, user?.id ?? null),
            outcome: 'failure',
            target: { email: normalizeEmail(email), ...(user ? { user_id: user.id } : {}) },
            reason: failure ?? 'unknown_email',
            request_id: client.request_id,
          },
        });
      });
      await throttle.failed(keys, client, user?.id ?? null);
      // One answer for every failure, so the response does not reveal which emails exist.
      throw new Unauthorized(INVALID_CREDENTIALS, 'invalid-credentials');
    }

    await throttle.succeeded(keys, client, user.id);
    if (await mfa.isEnabled(user.id)) return mfa.challenge(user.id);
    return this.startSession(user.id, ['pwd'], client);
  }

  /** The second step of a login with MFA: a TOTP code (accepted once) or a recovery code (single use). */
  async completeMfa(mfaToken: string, code: string, client: ClientInfo): Promise<TokenPair> {
    const { throttle, mfa } = this.options;
    const userId = await mfa.userOfChallenge(mfaToken);
    if (!userId) throw new Unauthorized('The MFA token is not valid or has expired; sign in again.', 'invalid-credentials');
    const keys = LoginThrottle.keys({ kind: 'mfa', userId }, client);
    await throttle.assertOpen(keys);
    const outcome = await mfa.redeem(mfaToken, code);
    if (!outcome.ok) {
      await throttle.failed(keys, client, outcome.userId);
      await this.uow.run(async (tx) => {
        tx.record({
          action: IdentityEvent.loginFailed,
          subject: `user:${outcome.userId}`,
          data: { actor: actorOf(client, outcome.userId), outcome: 'failure', target: { user_id: outcome.userId }, reason: 'invalid_mfa_code', request_id: client.request_id },
        });
      });
      throw new Unauthorized('The code is not correct.', 'invalid-credentials');
    }
    await throttle.succeeded(keys, client, outcome.userId);
    return this.startSession(outcome.userId, ['pwd', 'otp'], client, { mfa_method: outcome.method });
  }

  private async startSession(userId: string, amr: string[], client: ClientInfo, extra: Record<string, unknown> = {}): Promise<TokenPair> {
    const now = new Date();
    const refreshToken = newRefreshToken();
    const session = await this.uow.run(async (tx) => {
      const sessions = tx.repos.sessions;
      const created = sessions.createSession({
        id: uuidv7(),
        userId,
        amr,
        authTime: now,
        expiresAt: new Date(now.getTime() + this.options.refreshTokenTtlMs),
        ip: client.ip ?? null,
        userAgent: client.user_agent ?? null,
      });
      sessions.createRefreshToken({ id: uuidv7(), sessionId: created.id, tokenHash: hashToken(refreshToken), expiresAt: created.expiresAt });
      tx.record({
        action: IdentityEvent.loginSucceeded,
        subject: `user:${userId}`,
        data: {
          actor: actorOf(client, userId),
          outcome: 'success',
          target: { user_id: userId, session_id: created.id, amr, ...extra },
          request_id: client.request_id,
        },
      });
      return created;
    });
    return this.pair(session, refreshToken);
  }

  /**
   * Exchanges a refresh token for a new pair. A token that was already exchanged is a sign of theft: the whole
   * session is revoked and `refresh.reused` is recorded.
   */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenPair> {
    const next = newRefreshToken();
    const outcome = await this.uow.run(async (tx) => {
      const sessions = tx.repos.sessions;
      const presented = await sessions.findRefreshTokenByHash(hashToken(refreshToken));
      if (!presented) return { kind: 'invalid' as const };
      const session = await sessions.findSessionForUpdate(presented.sessionId);
      if (!session) return { kind: 'invalid' as const };
      const now = new Date();
      const alreadySpent = presented.usedAt != null || !(await sessions.markRefreshTokenUsed(presented.id));
      if (alreadySpent) {
        const audit = { actor: actorOf(client, session.userId), request_id: client.request_id };
        if (await this.options.sessions.endIn(tx, session, 'refresh_reused', audit)) {
          tx.record({
            action: IdentityEvent.refreshReused,
            subject: `user:${session.userId}`,
            data: {
              actor: audit.actor,
              outcome: 'denied',
              target: { user_id: session.userId, session_id: session.id },
              reason: 'a rotated refresh token was presented again; the session is revoked',
              request_id: client.request_id,
            },
          });
        }
        return { kind: 'reused' as const, sessionId: session.id };
      }
      if (session.revokedAt || session.expiresAt <= now || presented.expiresAt <= now) return { kind: 'invalid' as const };
      session.lastRefreshedAt = now;
      sessions.createRefreshToken({ id: uuidv7(), sessionId: session.id, tokenHash: hashToken(next), expiresAt: session.expiresAt });
      return { kind: 'rotated' as const, session };
    });
    if (outcome.kind === 'reused') {
      throw new Unauthorized('The refresh token was already used; the session has been revoked.', 'refresh-reused');
    }
    if (outcome.kind === 'invalid') throw new Unauthorized(INVALID_REFRESH, 'invalid-credentials');
    return this.pair(outcome.session, next);
  }

  /**
   * Ends the caller's session: its refresh tokens stop working, its access tokens are refused, and the impersonations it
   * started end. Signing out of an impersonation ends the impersonation.
   */
  async logout(principal: Principal, client: ClientInfo): Promise<void> {
    const audit = {
      actor: { ...actorOf(client, principal.user_id), ...(principal.impersonator_id ? { impersonator_id: principal.impersonator_id } : {}) },
      request_id: client.request_id,
    };
    await this.uow.run(async (tx) => {
      if (principal.impersonator_id) {
        const impersonation = await tx.repos.impersonations.find(principal.session_id, true);
        if (impersonation && !impersonation.endedAt) {
          await this.options.sessions.endImpersonationIn(tx, impersonation, principal.impersonator_id, 'signed_out', audit);
          return;
        }
      }
      const session = await tx.repos.sessions.findSessionForUpdate(principal.session_id);
      if (session) await this.options.sessions.endIn(tx, session, 'logout', audit);
    });
  }

  /** Identity's own revocation check for access tokens (other services learn of revocations from NATS). */
  async isSessionRevoked(principal: Principal): Promise<boolean> {
    return !(await this.uow.read((repos) => repos.sessions.isSessionActive(principal.session_id)));
  }

  private async pair(session: { id: string; userId: string; amr: string[]; authTime: Date }, refreshToken: string): Promise<TokenPair> {
    const accessToken = await this.tokens.issueAccessToken({
      userId: session.userId,
      sessionId: session.id,
      amr: session.amr,
      authTime: session.authTime,
    });
    return { access_token: accessToken, refresh_token: refreshToken, token_type: 'Bearer', expires_in: this.tokens.accessTokenTtlSeconds };
  }
}
