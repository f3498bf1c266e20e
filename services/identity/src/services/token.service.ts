import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import { ACCESS_TOKEN_TYPE } from '@portcullis/shared/auth';
import { SIGNING_ALGORITHM, type SigningKeyService } from '@portcullis/shared/auth';

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  amr: string[];
  authTime: Date;
  impersonatorId?: string;
}

export interface TokenSettings {
  issuer: string;
  audience: string;
  clientId: string;
  accessTokenTtlMs: number;
}

/** Opaque refresh tokens: 256 bits from the CSPRNG, base64url. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Where the current signing key comes from (SigningKeyService: Postgres, shared by every instance). */
export type SigningKeys = Pick<SigningKeyService, 'currentKey'>;

/** Signs RFC 9068 access tokens with the current shared signing key. */
export class TokenService {
  constructor(
    private readonly keys: SigningKeys,
    private readonly settings: TokenSettings,
  ) {}

  get accessTokenTtlSeconds(): number {
    return Math.floor(this.settings.accessTokenTtlMs / 1000);
  }

  async issueAccessToken(subject: AccessTokenSubject, ttlSeconds = this.accessTokenTtlSeconds): Promise<string> {
    const { kid, key } = await this.keys.currentKey();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      client_id: this.settings.clientId,
      sid: subject.sessionId,
      auth_time: Math.floor(subject.authTime.getTime() / 1000),
      amr: subject.amr,
      ...(subject.impersonatorId ? { act: { sub: subject.impersonatorId } } : {}),
    })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(subject.userId)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(uuidv7())
      .sign(key);
  }
}
