import type { Context, Next } from 'koa';
import { Unauthorized } from '../http/errors.js';
import type { Principal } from './principal.js';

/** Anything that turns a bearer token into a principal (TokenVerifier, BearerVerifier). */
export interface PrincipalVerifier {
  verify(token: string): Promise<Principal>;
}

/** Answers whether a session has been revoked (identity: its own table; later, a shared revocation list). */
export type SessionRevocationCheck = (principal: Principal) => Promise<boolean>;

export function bearerToken(ctx: Context): string | undefined {
  const header = ctx.get('authorization');
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
  return match?.[1];
}

/** Koa middleware: a valid bearer token is required; the principal is left on `ctx.state.principal`. */
export function authenticate(verifier: PrincipalVerifier, isRevoked?: SessionRevocationCheck) {
  return async function requireBearer(ctx: Context, next: Next): Promise<void> {
    const token = bearerToken(ctx);
    if (!token) throw new Unauthorized(ctx.get('authorization') ? 'The authorization header is not a bearer token.' : 'A bearer token is required.');
    const principal = await verifier.verify(token);
    if (isRevoked && (await isRevoked(principal))) throw new Unauthorized('The session has ended.');
    ctx.state.principal = principal;
    await next();
  };
}
