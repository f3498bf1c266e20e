import { createHash } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { InvalidToken } from '../http/errors.js';
import type { Principal } from './principal.js';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** A share link's grant token (sharing signs it; the caller becomes `share:<id>`). */
export const GRANT_TOKEN_TYPE = 'share+jwt';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Identity's JWKS URL (other services), or a local key lookup (identity itself). */
  keys: URL | JWTVerifyGetKey;
  /** Allowed clock skew in seconds. */
  clockToleranceSeconds?: number;
  /** How many verified tokens to remember (0: none). Revocation is checked separately, on every request. */
  cacheSize?: number;
  /** `access` (default): identity's access tokens. `grant`: sharing's grant tokens, whose subject is `share:<id>`. */
  kind?: 'access' | 'grant';
}

interface AccessTokenClaims extends JWTPayload {
  sid?: string;
  amr?: string[];
  auth_time?: number;
  act?: { sub?: string };
  tenant_id?: string;
  resource?: string;
}

/** Why a token was refused, phrased for the client without leaking key material. */
function refusal(error: unknown): InvalidToken {
  if (error instanceof joseErrors.JWTExpired) return new InvalidToken('The access token has expired.');
  if (error instanceof joseErrors.JWTClaimValidationFailed) return new InvalidToken(`The access token's ${error.claim} claim is not accepted.`);
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new InvalidToken('The access token algorithm is not accepted.');
  if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) {
    return new InvalidToken('The access token signature is not valid.');
  }
  return new InvalidToken('The access token is not valid.');
}

/** Verifies access tokens (EdDSA only, `typ: at+jwt`, issuer and audience) and returns the principal. */
export class TokenVerifier {
  private readonly getKey: JWTVerifyGetKey;
  /**
   * Verified tokens by SHA-256 of the token, until they expire: a token seen again costs a hash and a map lookup
   * instead of an Ed25519 verification. Only successes are kept; insertion order gives a cheap LRU-ish eviction.
   */
  private readonly verified = new Map<string, Principal>();

  constructor(private readonly options: TokenVerifierOptions) {
    // createRemoteJWKSet caches the key set and refetches it when a token names an unknown kid.
    this.getKey = options.keys instanceof URL ? createRemoteJWKSet(options.keys, { cooldownDuration: 5_000, cacheMaxAge: 10 * 60_000 }) : options.keys;
  }

  async verify(token: string): Promise<Principal> {
    const cacheSize = this.options.cacheSize ?? 10_000;
    if (cacheSize === 0) return this.verifySignature(token);
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.verified.get(key);
    const skew = this.options.clockToleranceSeconds ?? 5;
    if (cached && cached.expires_at + skew > Date.now() / 1000) return cached;
    if (cached) this.verified.delete(key);
    const principal = await this.verifySignature(token);
    if (this.verified.size >= cacheSize) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(key, Object.freeze(principal));
    return principal;
  }

  private async verifySignature(token: string): Promise<Principal> {
    const grant = this.options.kind === 'grant';
    let claims: AccessTokenClaims;
    try {
      const result = await jwtVerify<AccessTokenClaims>(token, this.getKey, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ['EdDSA'],
        typ: grant ? GRANT_TOKEN_TYPE : ACCESS_TOKEN_TYPE,
        requiredClaims: grant ? ['sub', 'exp', 'iat', 'jti'] : ['sub', 'exp', 'iat', 'jti', 'sid'],
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      });
      claims = result.payload;
    } catch (error) {
      throw refusal(error);
    }
    if (grant) return grantPrincipal(claims);
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.jti !== 'string') {
      throw new InvalidToken('The access token is missing required claims.');
    }
    return {
      user_id: claims.sub,
      session_id: claims.sid,
      ...(claims.act?.sub ? { impersonator_id: claims.act.sub } : {}),
      amr: Array.isArray(claims.amr) ? claims.amr : [],
      ...(typeof claims.auth_time === 'number' ? { auth_time: claims.auth_time } : {}),
      token_id: claims.jti,
      expires_at: claims.exp ?? 0,
    };
  }
}

/** A grant token's caller is the link itself: what it may do is whatever the policy gives `share:<id>`. */
function grantPrincipal(claims: AccessTokenClaims): Principal {
  if (typeof claims.sub !== 'string' || !claims.sub.startsWith('share:') || typeof claims.jti !== 'string') {
    throw new InvalidToken('The grant token is missing required claims.');
  }
  return { user_id: claims.sub, session_id: claims.sub, amr: [], token_id: claims.jti, expires_at: claims.exp ?? 0 };
}

/** Picks the verifier by the token's `typ`, so one bearer header can carry an access token or a grant token. */
export class BearerVerifier {
  constructor(private readonly byType: Record<string, TokenVerifier>) {}

  async verify(token: string): Promise<Principal> {
    let typ: unknown;
    try {
      typ = decodeProtectedHeader(token).typ;
    } catch {
      throw new InvalidToken('The access token is not valid.');
    }
    const verifier = typeof typ === 'string' ? this.byType[typ.toLowerCase()] : undefined;
    if (!verifier) throw new InvalidToken('The token type is not accepted here.');
    return verifier.verify(token);
  }
}
