import type { MikroORM } from '@mikro-orm/postgresql';
import { withAdvisoryLock } from '@portcullis/shared/db';
import type { Logger } from '@portcullis/shared/http';

export interface RetentionOptions {
  /** Events stored longer ago than this are deleted; 0 keeps everything. */
  retentionMs: number;
  /** Rows per delete (each in its own short transaction). */
  batchSize?: number;
}

/**
 * Deletes the oldest events once they are older than the retention period, from the start of the chain only and in
 * batches, and records the last deleted link as the checkpoint: the retained chain still verifies from there.
 * Runs under the chain's advisory lock, so it never interleaves with an append.
 */
export class RetentionService {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
    private readonly options: RetentionOptions,
  ) {}

  start(intervalMs: number): void {
    if (!this.options.retentionMs) return;
    this.timer = setInterval(() => void this.prune().catch((error) => this.logger.error({ err: error }, 'retention pass failed')), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass: deletes every batch that is due; returns how many events were deleted. */
  async prune(now = new Date()): Promise<number> {
    if (!this.options.retentionMs) return 0;
    const cutoff = new Date(now.getTime() - this.options.retentionMs);
    let deleted = 0;
    for (;;) {
      const count = await this.pruneBatch(cutoff);
      deleted += count;
      if (count < (this.options.batchSize ?? 5000)) break;
    }
    if (deleted) this.logger.info({ deleted, cutoff: cutoff.toISOString() }, 'audit retention deleted old events');
    return deleted;
  }

  private pruneBatch(cutoff: Date): Promise<number> {
    return withAdvisoryLock(this.orm.em.fork(), 'audit.chain', async (tx) => {
      // The oldest events, up to the first one stored after the cutoff: deleting only from the start of the chain
      // keeps what remains contiguous.
      const [result] = await tx.execute<{ deleted: number; last_sequence: string | null; last_hash: string | null }[]>(
        `with doomed as (
           select e.sequence from events e
           where e.sequence < coalesce((select min(k.sequence) from events k where k.stored_at >= ?), 9223372036854775807)
           order by e.sequence limit ?
         ), removed as (
           delete from events d using doomed where d.sequence = doomed.sequence returning d.sequence, d.hash
         )
         select count(*)::int as deleted, max(r.sequence)::text as last_sequence,
                (select r2.hash from removed r2 order by r2.sequence desc limit 1) as last_hash
         from removed r`,
        [cutoff, this.options.batchSize ?? 5000],
      );
      if (!result.deleted) return 0;
      await tx.execute(
        `insert into chain_checkpoint (id, sequence, hash, deleted_before, updated_at) values (1, ?, ?, ?, now())
         on conflict (id) do update set sequence = excluded.sequence, hash = excluded.hash, deleted_before = excluded.deleted_before, updated_at = now()`,
        [result.last_sequence, result.last_hash, cutoff],
      );
      return result.deleted;
    });
  }
}
