import { KeyObject, sign } from 'node:crypto';
import type { CryptoKey } from 'jose';
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

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * Short-lived JWTs whose subject is the link (`share:<id>`), signed with keys this service publishes in its JWKS.
 * authz accepts them as the bearer; what the link may do is still decided by the policy at each check, so revoking
 * the link stops its grant tokens at once, before they expire.
 *
 * One is signed on every resolve, so this signs the compact JWS with node:crypto's one-shot Ed25519 `sign` rather
 * than jose's SignJWT (WebCrypto, a job per signature): measured in bench/sharing.bench.ts, SignJWT cost resolve about a
 * quarter of its throughput. The token is an ordinary JWS; jose verifies it (authz, the tests).
 */
export class GrantTokenService {
  private keyObject?: { kid: string; key: KeyObject };

  constructor(
    private readonly keys: SigningKeyService,
    private readonly options: GrantTokenOptions,
  ) {}

  async issue(grant: GrantFor, now = Date.now()): Promise<{ token: string; expiresAt: Date }> {
    const limit = grant.linkExpiresAt ? Math.min(grant.linkExpiresAt.getTime(), now + this.options.ttlMs) : now + this.options.ttlMs;
    const exp = Math.floor(limit / 1000);
    const { kid, key } = await this.signingKey();
    const header = base64url(JSON.stringify({ alg: SIGNING_ALGORITHM, typ: GRANT_TOKEN_TYPE, kid }));
    const payload = base64url(
      JSON.stringify({
        iss: this.options.issuer,
        aud: this.options.audience,
        sub: linkSubject(grant.shareId),
        iat: Math.floor(now / 1000),
        exp,
        jti: uuidv7(),
        tenant_id: grant.tenantId,
        resource: grant.resource,
        permissions: grant.permissions,
      }),
    );
    const signingInput = `${header}.${payload}`;
    const signature = sign(null, Buffer.from(signingInput), key).toString('base64url');
    return { token: `${signingInput}.${signature}`, expiresAt: new Date(exp * 1000) };
  }

  private async signingKey(): Promise<{ kid: string; key: KeyObject }> {
    const current = await this.keys.currentKey();
    if (this.keyObject?.kid !== current.kid) {
      if (current.key instanceof Uint8Array) throw new Error('grant tokens need an asymmetric signing key');
      this.keyObject = { kid: current.kid, key: KeyObject.from(current.key as CryptoKey) };
    }
    return this.keyObject;
  }
}
