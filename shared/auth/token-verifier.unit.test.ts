import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { Unauthorized } from '../http/errors.js';
import { BearerVerifier, TokenVerifier } from './token-verifier.js';

const issuer = 'https://identity.example';
const audience = 'portcullis';
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let verifier: TokenVerifier;
let verifierKeys: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA' };
  verifierKeys = createLocalJWKSet({ keys: [jwk] });
  verifier = new TokenVerifier({ issuer, audience, keys: verifierKeys });
});

interface TokenOptions {
  key?: CryptoKey;
  typ?: string;
  iss?: string;
  aud?: string;
  expiresIn?: number;
  claims?: Record<string, unknown>;
}

function token(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: 'session-1', amr: ['pwd'], auth_time: now, ...options.claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: options.typ ?? 'at+jwt' })
    .setIssuer(options.iss ?? issuer)
    .setAudience(options.aud ?? audience)
    .setSubject('user-1')
    .setJti('jti-1')
    .setIssuedAt(now - 10)
    .setExpirationTime(now + (options.expiresIn ?? 900))
    .sign(options.key ?? signingKey);
}

function unsignedToken(): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode({ iss: issuer, aud: audience, sub: 'user-1', sid: 's', jti: 'j', iat: now, exp: now + 900 })}.`;
}

describe('TokenVerifier', () => {
  it('returns the principal of a valid token, with the impersonator from act', async () => {
    expect(await verifier.verify(await token())).toMatchObject({ user_id: 'user-1', session_id: 'session-1', amr: ['pwd'] });
    const impersonated = await verifier.verify(await token({ claims: { act: { sub: 'admin-7' } } }));
    expect(impersonated.impersonator_id).toBe('admin-7');
  });

  it.each([
    ['an expired token', () => token({ expiresIn: -60 })],
    ['a token signed by another key', () => token({ key: otherKey })],
    ['a token from another issuer', () => token({ iss: 'https://evil.example' })],
    ['a token for another audience', () => token({ aud: 'someone-else' })],
    ['a token that is not an access token', () => token({ typ: 'JWT' })],
    ['a token without a session', () => token({ claims: { sid: undefined } })],
    ['an unsigned token (alg: none)', async () => unsignedToken()],
    ['garbage', async () => 'not.a.jwt'],
  ])('refuses %s with Unauthorized', async (_label, make) => {
    await expect(verifier.verify(await make())).rejects.toBeInstanceOf(Unauthorized);
  });
});

describe('the verified-token cache', () => {
  it('verifies a token seen before without checking its signature again, and never serves it past expiry', async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA' }] });
    let keyLookups = 0;
    const counting = new TokenVerifier({ issuer, audience, clockToleranceSeconds: 0, keys: (header, input) => { keyLookups += 1; return jwks(header, input); } });
    const seen = await token({ key: pair.privateKey, expiresIn: 2 });
    const first = await counting.verify(seen);
    expect(await counting.verify(seen)).toBe(first);
    expect(keyLookups).toBe(1);
    // A different token (even one byte) is verified on its own, and a forged one still fails.
    // Change a whole character inside the signature: the last ones carry padding bits, so rewriting them can decode to the same bytes.
    const at = seen.length - 10;
    const forged = `${seen.slice(0, at)}${seen[at] === 'A' ? 'B' : 'A'}${seen.slice(at + 1)}`;
    await expect(counting.verify(forged)).rejects.toBeInstanceOf(Unauthorized);
    await new Promise((r) => setTimeout(r, 2100));
    await expect(counting.verify(seen)).rejects.toBeInstanceOf(Unauthorized);
  });
});

describe('grant tokens and the bearer verifier', () => {
  it("makes a share link's grant token's caller the link, and picks the verifier by typ", async () => {
    const grants = new TokenVerifier({ kind: 'grant', issuer, audience, keys: createLocalJWKSet({ keys: [{ ...(await exportJWK((await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })).publicKey)), kid: 'unused' }] }) });
    const sameKeyGrants = new TokenVerifier({ kind: 'grant', issuer, audience, keys: (header, input) => verifierKeys(header, input) });
    const bearer = new BearerVerifier({ 'at+jwt': verifier, 'share+jwt': sameKeyGrants });
    const grant = await token({ typ: 'share+jwt', claims: { sid: undefined } });
    // A grant token needs sub share:<id>.
    await expect(bearer.verify(grant)).rejects.toBeInstanceOf(Unauthorized);
    const linkGrant = await new SignJWT({ tenant_id: 't1', resource: 'document:1', permissions: ['read'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'share+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('share:abc')
      .setJti('g-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);
    expect(await bearer.verify(linkGrant)).toMatchObject({ user_id: 'share:abc', session_id: 'share:abc', amr: [] });
    expect(await bearer.verify(await token())).toMatchObject({ user_id: 'user-1' });
    // The access-token verifier never takes a grant token, and a typ nobody accepts is refused.
    await expect(verifier.verify(linkGrant)).rejects.toBeInstanceOf(Unauthorized);
    await expect(new BearerVerifier({ 'at+jwt': verifier }).verify(linkGrant)).rejects.toBeInstanceOf(Unauthorized);
    await expect(grants.verify(linkGrant)).rejects.toBeInstanceOf(Unauthorized);
  });
});
