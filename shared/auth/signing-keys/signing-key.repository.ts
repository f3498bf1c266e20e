import type { EntityManager } from '@mikro-orm/postgresql';
import { SigningKeySchema, type SigningKey } from './signing-key.entity.js';

export class SigningKeyRepository {
  constructor(private readonly em: EntityManager) {}

  /** The key that signs now: the newest one not retired. */
  findActive(): Promise<SigningKey | null> {
    return this.em.findOne(SigningKeySchema, { retiredAt: null }, { orderBy: { createdAt: 'desc' }, populate: ['privateJwkEncrypted'] });
  }

  /** Keys whose tokens may still be in circulation: active, or retired after `publishedSince`. */
  findPublished(publishedSince: Date): Promise<SigningKey[]> {
    return this.em.find(
      SigningKeySchema,
      { $or: [{ retiredAt: null }, { retiredAt: { $gt: publishedSince } }] },
      { orderBy: { createdAt: 'desc' } },
    );
  }

  retireAllActive(at: Date): Promise<number> {
    return this.em.nativeUpdate(SigningKeySchema, { retiredAt: null }, { retiredAt: at });
  }

  create(key: SigningKey): SigningKey {
    return this.em.create(SigningKeySchema, key);
  }
}
