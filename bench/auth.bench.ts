// make bench: access-token verification in shared/auth (issue 5): seen tokens against the bare Ed25519 verify rate,
// first-seen tokens against jose's jwtVerify, and the argon2id cost of a password check. Needs no Postgres or NATS.
import { randomUUID, verify as edVerify, generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, exportJWK, importJWK, jwtVerify, SignJWT } from 'jose';
import { TokenVerifier } from '@portcullis/shared/auth';
import { PasswordHasher } from '../services/identity/src/services/password-hasher.js';
import { writeSection } from './support/report.js';

const ISSUER = 'http://identity.bench';
const AUDIENCE = 'portcullis';
const N = 4000;

async function rate(count: number, work: (i: number) => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.min(200, count); i++) await work(i);
  const start = performance.now();
  for (let i = 0; i < count; i++) await work(i);
  return count / ((performance.now() - start) / 1000);
}

async function main() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA' };
  const signingKey = await importJWK({ ...(await exportJWK(privateKey)), alg: 'EdDSA' }, 'EdDSA');
  const jwks = createLocalJWKSet({ keys: [jwk] });
  const makeToken = () =>
    new SignJWT({ sid: randomUUID(), amr: ['pwd'], auth_time: Math.floor(Date.now() / 1000) })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'bench', typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(randomUUID())
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(signingKey);
  const tokens = await Promise.all(Array.from({ length: N + 200 }, makeToken));

  // The bare signature check of the same token's signing input, with node:crypto.
  const [header, payload, signature] = tokens[0].split('.');
  const data = Buffer.from(`${header}.${payload}`);
  const sig = Buffer.from(signature, 'base64url');
  if (!edVerify(null, data, publicKey, sig)) throw new Error('bench token does not verify');
  const bare = await rate(N, () => edVerify(null, data, publicKey, sig));

  const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'], typ: 'at+jwt' };
  const jose = await rate(N, (i) => jwtVerify(tokens[i], jwks, options));
  const firstSeenVerifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys: jwks });
  const firstSeen = await rate(N, (i) => firstSeenVerifier.verify(tokens[(i + 200) % tokens.length]));
  const seenVerifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys: jwks });
  const seen = await rate(N * 10, (i) => seenVerifier.verify(tokens[i % 50]));

  const hasher = new PasswordHasher();
  const hash = await hasher.hash('a password of a reasonable length');
  const argonSamples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    await hasher.verify(hash, 'a password of a reasonable length');
    argonSamples.push(performance.now() - start);
  }
  argonSamples.sort((a, b) => a - b);

  const perSecond = (r: number) => `${Math.round(r).toLocaleString('en')}/s`;
  writeSection('auth', 'Access-token verification (issue 5)', 'node --import tsx bench/auth.bench.ts', [
    {
      name: `TokenVerifier.verify, a token seen before (bare Ed25519 crypto.verify: ${perSecond(bare)})`,
      value: `${perSecond(seen)} (${(seen / bare).toFixed(1)}×)`,
      target: '≥ 4× the bare verify rate',
      ok: seen >= 4 * bare,
    },
    {
      name: `TokenVerifier.verify, first-seen tokens (jose jwtVerify: ${perSecond(jose)})`,
      value: `${perSecond(firstSeen)} (${Math.round((firstSeen / jose) * 100)}%)`,
      target: '≥ 80% of jose',
      ok: firstSeen >= 0.8 * jose,
    },
    {
      name: 'argon2id password check at the hasher’s parameters, 20 checks (the cost of every login)',
      value: `median ${argonSamples[10].toFixed(1)} ms`,
      target: 'reported (~25 ms expected)',
      ok: true,
    },
  ]);
}

await main();
process.exit(0);
