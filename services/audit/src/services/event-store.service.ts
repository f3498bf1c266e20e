import type { UnitOfWork } from '@portcullis/shared/db';
import type { AuditEvent } from '@portcullis/shared/events';
import { AUDIT_CHAIN_LOCK, type AuditRepositories } from '../repositories/index.js';
import { chainHash, GENESIS_HASH } from './hash-chain.js';

export type StoreResult = 'stored' | 'duplicate';

/**
 * Appends events to the hash chain. Writers take turns under the chain's lock, so the chain has one order even with
 * several audit instances, and an id already stored is skipped (redelivery is harmless).
 */
export class EventStoreService {
  constructor(private readonly uow: UnitOfWork<AuditRepositories>) {}

  async append(event: AuditEvent): Promise<StoreResult> {
    return (await this.appendBatch([event]))[0];
  }

  /** Appends events in the given order, in one transaction and one insert; answers per event. */
  async appendBatch(events: AuditEvent[]): Promise<StoreResult[]> {
    if (events.length === 0) return [];
    return this.uow.run(
      async ({ repos }) => {
        const known = await repos.events.existingIds(events.map((e) => e.id));
        // After retention deleted every event, the chain continues from the checkpoint.
        const head = (await repos.events.head()) ?? (await repos.events.checkpoint());
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
        await repos.events.insertMany(rows);
        return results;
      },
      { lock: AUDIT_CHAIN_LOCK },
    );
  }
}
