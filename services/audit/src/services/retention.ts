import type { UnitOfWork } from '@portcullis/shared/db';
import type { Logger } from '@portcullis/shared/http';
import { AUDIT_CHAIN_LOCK, type AuditRepositories } from '../repositories/index.js';

export interface RetentionOptions {
  /** Events stored longer ago than this are deleted; 0 keeps everything. */
  retentionMs: number;
  /** Rows per delete (each in its own short transaction). */
  batchSize?: number;
}

/**
 * Deletes the oldest events once they are older than the retention period, from the start of the chain only and in
 * batches, and records the last deleted link as the checkpoint: the retained chain still verifies from there.
 * Each batch is a unit of work under the chain's lock, so it never interleaves with an append.
 */
export class RetentionService {
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly uow: UnitOfWork<AuditRepositories>,
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
    return this.uow.run(
      async ({ repos }) => {
        // The oldest events, up to the first one stored after the cutoff: deleting only from the start of the chain
        // keeps what remains contiguous.
        const { deleted, last } = await repos.events.deleteOldest(cutoff, this.options.batchSize ?? 5000);
        if (!deleted || !last) return 0;
        await repos.events.saveCheckpoint(last, cutoff);
        return deleted;
      },
      { lock: AUDIT_CHAIN_LOCK },
    );
  }
}
