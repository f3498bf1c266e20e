import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createLocalJWKSet, errors as joseErrors, type CryptoKey, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';
import { withAdvisoryLock } from '../../db/index.js';
import { SigningKeyRepository } from './signing-key.repository.js';
import type { KeyCipher } from '../key-cipher.js';

export const SIGNING_ALGORITHM = 'EdDSA';
const CACHE_MS = 30_000;
/** At most one re-read of the keys for a token naming an unknown kid in this long (forged kids cost no query). */
const UNKNOWN_KID_COOLDOWN_MS = 5_000;

export interface SigningKeyPolicy {
  /** Names the advisory lock instances of one service take turns under (one per service schema). */
  lockName: string;
  /** Age after which a new key takes over signing. */
  rotationMs: number;
  /** How long a retired key stays published: the longest lifetime of a token it signed, plus skew. */
  publishAfterRetirementMs: number;
}

interface ActiveKey {
  kid: string;
  key: CryptoKey | Uint8Array;
  createdAt: Date;
  loadedAt: number;
}

/**
 * Signing keys live in Postgres (the `signing_keys` table in the service's schema) so every instance of a service
 * signs with the same key and publishes the same JWKS.
 * A key is replaced when it is older than the rotation period; retired keys stay in the JWKS until their tokens expire.
 */
export class SigningKeyService {
  private active?: ActiveKey;
  private published?: { jwks: JSONWebKeySet; getKey: JWTVerifyGetKey; loadedAt: number };
  private lastUnknownKidReload = 0;
  /** How many times the published keys were read from Postgres (a forged kid must not make this grow per request). */
  keyReads = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly cipher: KeyCipher,
    private readonly policy: SigningKeyPolicy,
  ) {}

  /** The current signing key, rotating first when it has aged out. */
  async currentKey(now = new Date()): Promise<{ kid: string; key: CryptoKey | Uint8Array }> {
    const cached = this.active;
    if (cached && Date.now() - cached.loadedAt < CACHE_MS && now.getTime() - cached.createdAt.getTime() < this.policy.rotationMs) {
      return cached;
    }
    const repository = new SigningKeyRepository(this.orm.em.fork());
    let key = await repository.findActive();
    if (!key || now.getTime() - key.createdAt.getTime() >= this.policy.rotationMs) {
      await this.rotate({ onlyIfOlderThan: now.getTime() - this.policy.rotationMs });
      key = await new SigningKeyRepository(this.orm.em.fork()).findActive();
    }
    if (!key) throw new Error('no signing key after rotation');
    const jwk = JSON.parse(this.cipher.decrypt(key.privateJwkEncrypted)) as JWK;
    this.active = { kid: key.kid, key: await importJWK(jwk, SIGNING_ALGORITHM), createdAt: key.createdAt, loadedAt: Date.now() };
    return this.active;
  }

  /**
   * Makes a new key the signing key and retires the old one. Instances take turns under an advisory lock; with
   * `onlyIfOlderThan`, an instance that finds a fresh key (made by another instance meanwhile) leaves it alone.
   */
  async rotate(options: { onlyIfOlderThan?: number } = {}): Promise<string> {
    const kid = await withAdvisoryLock(this.orm.em.fork(), this.policy.lockName, async (tx) => {
      const repository = new SigningKeyRepository(tx);
      const current = await repository.findActive();
      if (current && options.onlyIfOlderThan !== undefined && current.createdAt.getTime() > options.onlyIfOlderThan) {
        return current.kid;
      }
      const now = new Date();
      await repository.retireAllActive(now);
      const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
      const newKid = randomUUID();
      repository.create({
        kid: newKid,
        algorithm: SIGNING_ALGORITHM,
        publicJwk: { ...(await exportJWK(publicKey)), kid: newKid, alg: SIGNING_ALGORITHM, use: 'sig' },
        privateJwkEncrypted: this.cipher.encrypt(JSON.stringify(await exportJWK(privateKey))),
        createdAt: now,
      });
      await tx.flush();
      return newKid;
    });
    this.active = undefined;
    this.published = undefined;
    return kid;
  }

  /** The public keys tokens may still be signed with. */
  async jwks(): Promise<JSONWebKeySet> {
    return (await this.publishedKeys()).jwks;
  }

  /**
   * Verification key lookup for the service's own token checks. An unknown kid (a key another instance just made, or a
   * forgery) re-reads the keys at most once per cooldown; within it the token is refused without asking Postgres.
   */
  readonly verificationKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await (await this.publishedKeys()).getKey(header, token);
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      if (Date.now() - this.lastUnknownKidReload < UNKNOWN_KID_COOLDOWN_MS) throw error;
      this.lastUnknownKidReload = Date.now();
      this.published = undefined;
      return (await this.publishedKeys()).getKey(header, token);
    }
  };

  private async publishedKeys() {
    if (this.published && Date.now() - this.published.loadedAt < CACHE_MS) return this.published;
    const since = new Date(Date.now() - this.policy.publishAfterRetirementMs);
    this.keyReads += 1;
    let keys = await new SigningKeyRepository(this.orm.em.fork()).findPublished(since);
    if (keys.length === 0) {
      await this.currentKey();
      keys = await new SigningKeyRepository(this.orm.em.fork()).findPublished(since);
    }
    const jwks: JSONWebKeySet = { keys: keys.map((k) => k.publicJwk as JWK) };
    this.published = { jwks, getKey: createLocalJWKSet(jwks), loadedAt: Date.now() };
    return this.published;
  }
}
