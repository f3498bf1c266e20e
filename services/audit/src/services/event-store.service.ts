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
    return (await this.appendBatch([event]))[0];
  }

  /** Appends events in the given order, in one transaction and one insert; answers per event. */
  async appendBatch(events: AuditEvent[]): Promise<StoreResult[]> {
    if (events.length === 0) return [];
    return withAdvisoryLock(this.orm.em.fork(), 'audit.chain', async (tx) => {
      const repository = new EventRepository(tx);
      const known = await repository.existingIds(events.map((e) => e.id));
      // After retention deleted every event, the chain continues from the checkpoint.
      const head = (await repository.head()) ?? (await repository.checkpoint());
      let prevHash = head?.hash ?? GENESIS_HASH;
      let sequence = BigInt(head?.sequence ?? '0');
      const rows = [];
      const results: StoreResult[] = [];
      for (const event of events) {
        if (known.has(event.id)) {
          results.push('duplicate');
          continue;
        }
        known.add(event.id);
        sequence += 1n;
        const hash = chainHash(prevHash, event);
        rows.push({ event, sequence: sequence.toString(), prevHash, hash });
        prevHash = hash;
        results.push('stored');
      }
      await repository.insertMany(rows);
      return results;
    });
  }
}
