// make bench: access-token verification in shared/auth (issue 5): seen tokens against the bare Ed25519 verify rate,
// first-seen tokens against jose's jwtVerify, and the argon2id cost of a password check. Needs no Postgres or NATS.
import { randomUUID, verify as edVerify, generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, exportJWK, importJWK, jwtVerify, SignJWT } from 'jose';
import { TokenVerifier } from '@portcullis/shared/auth';
import { PasswordHasher } from '../services/identity/src/services/password-hasher.js';
import { benchSettings, emit, figure, median } from './support/figures.js';

const ISSUER = 'http://identity.bench';
const AUDIENCE = 'portcullis';
const { quick, rounds } = benchSettings();
const N = quick ? 2_000 : 4_000;
const ARGON_CHECKS = quick ? 5 : 10;

async function rate(count: number, work: (i: number) => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.min(200, count); i++) await work(i);
  const start = performance.now();
  for (let i = 0; i < count; i++) await work(i);
  return count / ((performance.now() - start) / 1000);
}

async function main() {
  const started = performance.now();
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
  const tokens = await Promise.all(Array.from({ length: (N + 200) * rounds + 200 }, makeToken));

  // The bare signature check of the same token's signing input, with node:crypto.
  const [header, payload, signature] = tokens[0].split('.');
  const data = Buffer.from(`${header}.${payload}`);
  const sig = Buffer.from(signature, 'base64url');
  if (!edVerify(null, data, publicKey, sig)) throw new Error('bench token does not verify');
  const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'], typ: 'at+jwt' };
  const hasher = new PasswordHasher();
  const hash = await hasher.hash('a password of a reasonable length');

  const runs = { bare: [] as number[], jose: [] as number[], firstSeen: [] as number[], seen: [] as number[], argon: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    // Each round verifies tokens no verifier of it has seen: a slice of its own.
    const mine = tokens.slice(200 + round * (N + 200), 200 + (round + 1) * (N + 200));
    runs.bare.push(await rate(N, () => edVerify(null, data, publicKey, sig)));
    runs.jose.push(await rate(N, (i) => jwtVerify(mine[i], jwks, options)));
    const firstSeenVerifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys: jwks });
    runs.firstSeen.push(await rate(N, (i) => firstSeenVerifier.verify(mine[(i + 200) % mine.length])));
    const seenVerifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys: jwks });
    runs.seen.push(await rate(N * 10, (i) => seenVerifier.verify(mine[i % 50])));
    const argon: number[] = [];
    for (let i = 0; i < ARGON_CHECKS; i++) {
      const start = performance.now();
      await hasher.verify(hash, 'a password of a reasonable length');
      argon.push(performance.now() - start);
    }
    runs.argon.push(median(argon));
  }

  emit({
    part: 'auth',
    command: 'node --import tsx bench/auth.bench.ts',
    rounds,
    seconds: (performance.now() - started) / 1000,
    figures: [
      figure({
        id: 'auth.verify-seen',
        issue: 5,
        title: 'TokenVerifier.verify of a token seen before (signature checked once, then cached until expiry)',
        measure: { name: 'verify, seen', unit: '/s', rounds: runs.seen },
        baseline: { name: 'bare Ed25519 crypto.verify loop (the primitive\'s limit)', unit: '/s', rounds: runs.bare },
        ratio: { text: 'verify ÷ bare crypto.verify' },
        better: 'higher',
        target: { text: '≥ 4× the bare verify rate', on: 'ratio', op: '>=', threshold: 4 },
      }),
      figure({
        id: 'auth.verify-first-seen',
        issue: 5,
        title: 'TokenVerifier.verify of first-seen tokens (every check, every claim)',
        measure: { name: 'verify, first seen', unit: '/s', rounds: runs.firstSeen },
        baseline: { name: 'jose jwtVerify', unit: '/s', rounds: runs.jose },
        ratio: { text: 'of jose', unit: '%' },
        better: 'higher',
        target: { text: '≥ 80% of jose', on: 'ratio', op: '>=', threshold: 0.8 },
        details: { 'bare Ed25519 crypto.verify (/s)': Math.round(median(runs.bare)), 'first seen ÷ bare': median(runs.firstSeen.map((v, i) => v / runs.bare[i])) },
      }),
      figure({
        id: 'auth.argon2id-check',
        issue: 5,
        title: 'argon2id password check at the configured parameters (19 MiB, 2 passes, 1 lane): the cost of every login',
        measure: { name: 'one check', unit: 'ms', rounds: runs.argon },
        better: 'lower',
      }),
    ],
    notes: `${N.toLocaleString('en')} verifications per rate per round (seen: ${(N * 10).toLocaleString('en')} over 50 tokens) after 200 unmeasured; ${ARGON_CHECKS} argon2id checks per round (median).`,
  });
}

await main();
process.exit(0);
