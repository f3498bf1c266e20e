import type { Context, Next } from 'koa';
import type { Authorizer } from '../authz/authorizer.js';
import { InvalidToken, Unauthorized } from '../http/errors.js';
import type { Principal } from './principal.js';

/** Anything that turns a bearer token into a principal (TokenVerifier, BearerVerifier). */
export interface PrincipalVerifier {
  verify(token: string): Promise<Principal>;
}

/** Answers whether a session has been revoked (identity: its own table; every other service: the revoked-sessions bucket). */
export type SessionRevocationCheck = (principal: Principal) => Promise<boolean>;

/** What makes a verified token's session still good: not revoked, and an impersonation only while its impersonator may. */
export interface SessionChecks {
  isRevoked?: SessionRevocationCheck;
  /** The central policy: an impersonation token is refused once its impersonator may no longer `impersonate users`. */
  authorizer?: Authorizer;
}

export function bearerToken(ctx: Context): string | undefined {
  const header = ctx.get('authorization');
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
  return match?.[1];
}

/** Throws 401 (invalid_token) unless the principal's session is live. */
export async function assertSessionLive(principal: Principal, checks: SessionChecks): Promise<void> {
  if (checks.isRevoked && (await checks.isRevoked(principal))) throw new InvalidToken('The session has ended.');
  const impersonator = principal.impersonator_id;
  if (impersonator && checks.authorizer) {
    const asImpersonator: Principal = { user_id: impersonator, session_id: principal.session_id, amr: principal.amr, token_id: principal.token_id, expires_at: principal.expires_at };
    if (!checks.authorizer.isAllowed(asImpersonator, 'platform', 'users', 'impersonate')) {
      throw new InvalidToken('The impersonation has ended: its impersonator may no longer impersonate.');
    }
  }
}

/**
 * Koa middleware: a valid bearer token whose session is live is required; the principal is left on
 * `ctx.state.principal`. `checks` may be a revocation check alone.
 */
export function authenticate(verifier: PrincipalVerifier, checks: SessionChecks | SessionRevocationCheck = {}) {
  const sessionChecks = typeof checks === 'function' ? { isRevoked: checks } : checks;
  return async function requireBearer(ctx: Context, next: Next): Promise<void> {
    const token = bearerToken(ctx);
    if (!token) {
      if (ctx.get('authorization')) throw new InvalidToken('The authorization header is not a bearer token.');
      throw new Unauthorized('A bearer token is required.');
    }
    const principal = await verifier.verify(token);
    await assertSessionLive(principal, sessionChecks);
    ctx.state.principal = principal;
    await next();
  };
}
