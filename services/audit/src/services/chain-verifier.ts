import type { MikroORM } from '@mikro-orm/postgresql';
import type { AuditEvent } from '@portcullis/shared/events';
import { EventRepository } from '../repositories/event.repository.js';
import { chainHash, GENESIS_HASH } from './hash-chain.js';

export interface VerifyRange {
  /** First sequence to check (default: the first retained). */
  fromSequence?: string;
  /** Last sequence to check (default: the newest). */
  toSequence?: string;
}

export type BreakReason = 'event_altered' | 'hash_altered' | 'event_missing' | 'id_mismatch';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  first_sequence?: string;
  last_sequence?: string;
  /** The first event that is not what was stored (for a missing event: the one after the gap). */
  first_invalid_id?: string;
  first_invalid_sequence?: string;
  reason?: BreakReason;
}

interface ChainRow {
  id: string;
  sequence: string;
  event: AuditEvent;
  prev_hash: string;
  hash: string;
}

const CHUNK = 1000;

/**
 * Walks the chain in sequence order and recomputes every link: each row's hash must be SHA-256(prev_hash ‖ canonical
 * event), each prev_hash the hash of the row before (or the retention checkpoint's, or the genesis hash), and the
 * sequence without gaps. Reads in keyset chunks, so memory stays flat over any number of rows.
 */
export class ChainVerifier {
  constructor(private readonly orm: MikroORM) {}

  async verify(range: VerifyRange = {}): Promise<VerifyResult> {
    const em = this.orm.em.fork();
    const checkpoint = await new EventRepository(em).checkpoint();
    const [bounds] = await em.execute<{ first: string | null; last: string | null }[]>('select min(sequence)::text as first, max(sequence)::text as last from events');
    if (!bounds.first || !bounds.last) return { ok: true, checked: 0 };
    const from = maxOf(range.fromSequence ?? bounds.first, bounds.first);
    const to = range.toSequence && BigInt(range.toSequence) < BigInt(bounds.last) ? range.toSequence : bounds.last;
    let expectedSequence = BigInt(from);
    let previous = await this.linkBefore(em, from, checkpoint);
    let checked = 0;
    let cursor = (BigInt(from) - 1n).toString();
    for (;;) {
      // Order by the column, not the text alias of the same name.
      const rows = await em.execute<ChainRow[]>(
        'select e.id, e.sequence::text as sequence, e.event, e.prev_hash, e.hash from events e where e.sequence > ? and e.sequence <= ? order by e.sequence limit ?',
        [cursor, to, CHUNK],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const broken = this.check(row, expectedSequence, previous);
        if (broken) return { ok: false, checked, first_sequence: from, last_sequence: row.sequence, ...broken };
        previous = { id: row.id, sequence: row.sequence, hash: row.hash };
        expectedSequence = BigInt(row.sequence) + 1n;
        checked++;
      }
      cursor = rows[rows.length - 1].sequence;
    }
    return { ok: true, checked, first_sequence: from, last_sequence: to };
  }

  /** What the first checked row must link to. */
  private async linkBefore(em: ReturnType<MikroORM['em']['fork']>, from: string, checkpoint: { sequence: string; hash: string } | null) {
    const [row] = await em.execute<{ id: string; sequence: string; hash: string }[]>(
      'select e.id, e.sequence::text as sequence, e.hash from events e where e.sequence < ? order by e.sequence desc limit 1',
      [from],
    );
    if (row) return row;
    if (checkpoint) return { id: undefined, sequence: checkpoint.sequence, hash: checkpoint.hash };
    return { id: undefined, sequence: '0', hash: GENESIS_HASH };
  }

  private check(row: ChainRow, expectedSequence: bigint, previous: { id?: string; sequence: string; hash: string }): Partial<VerifyResult> | undefined {
    if (BigInt(row.sequence) !== expectedSequence) {
      return { first_invalid_id: row.id, first_invalid_sequence: row.sequence, reason: 'event_missing' };
    }
    if (row.prev_hash !== previous.hash) {
      // The successor still records the old hash: the row before was rewritten, hash and all.
      return previous.id
        ? { first_invalid_id: previous.id, first_invalid_sequence: previous.sequence, reason: 'hash_altered' }
        : { first_invalid_id: row.id, first_invalid_sequence: row.sequence, reason: 'hash_altered' };
    }
    if (row.event?.id !== row.id) return { first_invalid_id: row.id, first_invalid_sequence: row.sequence, reason: 'id_mismatch' };
    if (chainHash(row.prev_hash, row.event) !== row.hash) {
      return { first_invalid_id: row.id, first_invalid_sequence: row.sequence, reason: 'event_altered' };
    }
    return undefined;
  }
}

function maxOf(a: string, b: string): string {
  return BigInt(a) > BigInt(b) ? a : b;
}
