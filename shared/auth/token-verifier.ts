import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { Unauthorized } from '../http/errors.js';
import type { Principal } from './principal.js';

export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Identity's JWKS URL (other services), or a local key lookup (identity itself). */
  keys: URL | JWTVerifyGetKey;
  /** Allowed clock skew in seconds. */
  clockToleranceSeconds?: number;
}

interface AccessTokenClaims extends JWTPayload {
  sid?: string;
  amr?: string[];
  auth_time?: number;
  act?: { sub?: string };
}

/** Why a token was refused, phrased for the client without leaking key material. */
function refusal(error: unknown): Unauthorized {
  if (error instanceof joseErrors.JWTExpired) return new Unauthorized('The access token has expired.');
  if (error instanceof joseErrors.JWTClaimValidationFailed) return new Unauthorized(`The access token's ${error.claim} claim is not accepted.`);
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new Unauthorized('The access token algorithm is not accepted.');
  if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) {
    return new Unauthorized('The access token signature is not valid.');
  }
  return new Unauthorized('The access token is not valid.');
}

/** Verifies access tokens (EdDSA only, `typ: at+jwt`, issuer and audience) and returns the principal. */
export class TokenVerifier {
  private readonly getKey: JWTVerifyGetKey;

  constructor(private readonly options: TokenVerifierOptions) {
    // createRemoteJWKSet caches the key set and refetches it when a token names an unknown kid.
    this.getKey = options.keys instanceof URL ? createRemoteJWKSet(options.keys, { cooldownDuration: 5_000, cacheMaxAge: 10 * 60_000 }) : options.keys;
  }

  async verify(token: string): Promise<Principal> {
    let claims: AccessTokenClaims;
    try {
      const result = await jwtVerify<AccessTokenClaims>(token, this.getKey, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ['EdDSA'],
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'sid'],
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      });
      claims = result.payload;
    } catch (error) {
      throw refusal(error);
    }
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.jti !== 'string') {
      throw new Unauthorized('The access token is missing required claims.');
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
