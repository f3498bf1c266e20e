import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** A stable 64-bit advisory lock key from a readable name. */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

/** Runs `work` in a transaction holding a transaction-scoped advisory lock, so instances take turns. */
export async function withAdvisoryLock<T>(em: EntityManager, name: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(?)', [advisoryKey(name)]);
    return work(tx);
  });
}
