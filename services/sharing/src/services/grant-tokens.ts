import { SignJWT } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import { GRANT_TOKEN_TYPE, SIGNING_ALGORITHM, type SigningKeyService } from '@portcullis/shared/auth';
import { linkSubject } from '@portcullis/shared/authz';

export interface GrantTokenOptions {
  issuer: string;
  audience: string;
  ttlMs: number;
}

export interface GrantFor {
  shareId: string;
  tenantId: string;
  resource: string;
  permissions: string[];
  /** The link's own expiry: a grant token never outlives it. */
  linkExpiresAt: Date | null;
}

/**
 * Short-lived JWTs whose subject is the link (`share:<id>`), signed with keys this service publishes in its JWKS.
 * authz accepts them as the bearer; what the link may do is still decided by the policy at each check, so revoking
 * the link stops its grant tokens at once, before they expire.
 */
export class GrantTokenService {
  constructor(
    private readonly keys: SigningKeyService,
    private readonly options: GrantTokenOptions,
  ) {}

  async issue(grant: GrantFor, now = Date.now()): Promise<{ token: string; expiresAt: Date }> {
    const limit = grant.linkExpiresAt ? Math.min(grant.linkExpiresAt.getTime(), now + this.options.ttlMs) : now + this.options.ttlMs;
    const expiresAtSeconds = Math.floor(limit / 1000);
    const { kid, key } = await this.keys.currentKey();
    const token = await new SignJWT({ tenant_id: grant.tenantId, resource: grant.resource, permissions: grant.permissions })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: GRANT_TOKEN_TYPE, kid })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(linkSubject(grant.shareId))
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(expiresAtSeconds)
      .setJti(uuidv7())
      .sign(key);
    return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
  }
}
