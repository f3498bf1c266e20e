import { jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

const TWO_MINUTES_NS = 2 * 60 * 1_000_000_000;

export interface AuditStreamOptions {
  name: string;
  subjectPrefix: string;
  /** Copies kept across a NATS cluster (3 lets a node go without losing an event); 1 on a single server. */
  replicas?: number;
}

export function auditStreamSubjects(subjectPrefix: string): string[] {
  return [`${subjectPrefix}audit.>`];
}

/** How long a starting instance waits for a JetStream cluster that has no meta leader yet (a node restarting, say). */
const JETSTREAM_SETTLE_MS = 20_000;

/**
 * Creates the audit stream when missing (file storage, a duplicate window for Nats-Msg-Id de-duplication). A cluster
 * still electing its meta leader answers with timeouts for a moment: asked again until JETSTREAM_SETTLE_MS, then the
 * error stands (the instance does not start).
 */
export async function ensureAuditStream(nc: NatsConnection, options: AuditStreamOptions): Promise<JetStreamManager> {
  const deadline = Date.now() + JETSTREAM_SETTLE_MS;
  for (;;) {
    try {
      return await ensureOnce(nc, options);
    } catch (error) {
      const settling = /timeout|no responders|jetstream (not enabled|system temporarily unavailable)|503/i.test((error as Error).message);
      if (!settling || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function ensureOnce(nc: NatsConnection, options: AuditStreamOptions): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(options.name);
  } catch (error) {
    if (!/not found/i.test((error as Error).message)) throw error;
    try {
      await jsm.streams.add({
        name: options.name,
        subjects: auditStreamSubjects(options.subjectPrefix),
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: TWO_MINUTES_NS,
        num_replicas: options.replicas ?? 1,
      });
    } catch (addError) {
      // Another instance created it between our look and our add.
      if (!/already in use|exists/i.test((addError as Error).message)) throw addError;
    }
  }
  return jsm;
}
