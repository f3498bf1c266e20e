import type { MikroORM } from '@mikro-orm/postgresql';
import { withAdvisoryLock } from '@portcullis/shared/db';
import type { AuditEvent } from '@portcullis/shared/events';
import { EventRepository } from '../repositories/event.repository.js';
import { chainHash, GENESIS_HASH } from './hash-chain.js';

export type StoreResult = 'stored' | 'duplicate';

/**
 * Appends events to the hash chain. Writers take turns under an advisory lock, so the chain has one order even with
 * several audit instances, and an id already stored is skipped (redelivery is harmless).
 */
export class EventStoreService {
  constructor(private readonly orm: MikroORM) {}

  async append(event: AuditEvent): Promise<StoreResult> {
    return withAdvisoryLock(this.orm.em.fork(), 'audit.chain', async (tx) => {
      const events = new EventRepository(tx);
      if (await events.exists(event.id)) return 'duplicate';
      const head = await events.head();
      const prevHash = head?.hash ?? GENESIS_HASH;
      const sequence = (BigInt(head?.sequence ?? '0') + 1n).toString();
      events.insert({ event, sequence, prevHash, hash: chainHash(prevHash, event) });
      await tx.flush();
      return 'stored';
    });
  }
}
