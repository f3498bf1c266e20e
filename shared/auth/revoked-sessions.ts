import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import type { Logger } from 'pino';
import { ServiceUnavailable } from '../http/errors.js';
import { NatsExchanges } from '../contracts/nats.js';
import { ask, type NatsConnection } from '../nats/index.js';
import type { Principal } from './principal.js';

export interface RevokedSessionsOptions {
  bucket: string;
  logger?: Logger;
  /** After NATS (or the watch) has been lost this long, `check` refuses: a revocation may have been missed. */
  maxOutageMs: number;
  /**
   * Identity only (it alone may write revocations): creates the bucket with this TTL, or widens a narrower one. The
   * TTL must cover the longest-lived token a revocation is about; other services keep each entry for the bucket's TTL.
   */
  writer?: { ttlMs: number; replicas?: number };
  /** How long `open` waits for the bucket and its entries before going on (the watch keeps trying). */
  openTimeoutMs?: number;
  /** The deployment's NATS subject prefix (for asking identity about unpublished revocations). */
  subjectPrefix?: string;
}

/** The NATS subject a revocation is published on (identity writes it through its outbox, in the revoking transaction). */
export function revocationSubject(bucket: string, sessionId: string): string {
  return `$KV.${bucket}.${sessionId}`;
}

/**
 * Revoked session ids, shared by every instance of every service through a JetStream KV bucket whose entries live as
 * long as the longest token they are about (the bucket's TTL). Each process watches the bucket and keeps the ids in
 * memory, so a check is a map lookup and a revocation reaches everyone as soon as NATS delivers it.
 *
 * Fails closed: until the existing entries are loaded, and once NATS or the watch has been lost for longer than
 * `maxOutageMs`, `check` throws 503 instead of answering from a list that may be missing a revocation. After any loss
 * (and at start) the list counts again only once identity says it has no revocation left to publish (one committed
 * while NATS was away waits in its outbox) and the bucket has been read anew.
 */
export class RevokedSessions {
  /** session id → when its entry stops mattering (every token of it has expired by then). */
  private readonly revoked = new Map<string, number>();
  private ttlMs = 0;
  private loaded = false;
  private lostSince?: number = Date.now();
  private stopped = false;
  private readonly watching: Promise<void>;
  /** Stops the current watch (NATS was lost: start over once it is back). */
  private interruptWatch?: () => void;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly options: RevokedSessionsOptions,
    onLoaded: () => void,
  ) {
    this.followConnection();
    this.watching = this.watchForever(onLoaded);
  }

  static async open(nc: NatsConnection, options: RevokedSessionsOptions): Promise<RevokedSessions> {
    let loaded!: () => void;
    const ready = new Promise<void>((resolve) => (loaded = resolve));
    const sessions = new RevokedSessions(nc, options, () => loaded());
    const timeout = options.openTimeoutMs ?? 10_000;
    await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, timeout).unref())]);
    if (!sessions.loaded) options.logger?.warn({ bucket: options.bucket }, 'revoked sessions not loaded yet; tokens are refused until they are');
    return sessions;
  }

  /** For `authenticate`: true when the principal's session was revoked; 503 while revocations cannot be heard. */
  readonly check = async (principal: Principal): Promise<boolean> => {
    this.assertFresh();
    return this.isRevoked(principal.session_id);
  };

  isRevoked(sessionId: string): boolean {
    const until = this.revoked.get(sessionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.revoked.delete(sessionId);
    return false;
  }

  /** Until when (ms since the epoch) this process refuses the session's tokens; undefined when not revoked. */
  revokedUntil(sessionId: string): number | undefined {
    return this.isRevoked(sessionId) ? this.revoked.get(sessionId) : undefined;
  }

  /** Whether this process can rely on what it knows of revocations. */
  isFresh(): boolean {
    return this.loaded && (this.lostSince === undefined || Date.now() - this.lostSince <= this.options.maxOutageMs);
  }

  /** For /readyz. */
  readonly readiness = async (): Promise<void> => {
    if (!this.loaded) throw new Error('revoked sessions not loaded yet');
    if (!this.isFresh()) throw new Error(`revocations unheard for over ${Math.round(this.options.maxOutageMs / 1000)} s: tokens are refused`);
  };

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.race([this.watching, new Promise((resolve) => setTimeout(resolve, 1000))]);
  }

  private assertFresh(): void {
    if (!this.isFresh()) throw new ServiceUnavailable('Session revocations cannot be checked right now; try again shortly.', 2);
  }

  private followConnection(): void {
    void (async () => {
      for await (const status of this.nc.status()) {
        if (this.stopped) break;
        if (status.type === 'disconnect') {
          this.lostSince ??= Date.now();
          // Revocations made meanwhile may still sit in identity's outbox: confirm and re-read before trusting again.
          this.interruptWatch?.();
        }
      }
    })();
  }

  private async bucket(): Promise<KV> {
    const kvm = new Kvm(this.nc);
    const writer = this.options.writer;
    if (!writer) return kvm.open(this.options.bucket);
    const kv = await kvm.create(this.options.bucket, { ttl: writer.ttlMs, history: 1, replicas: writer.replicas ?? 1 }).catch(() => kvm.open(this.options.bucket));
    const status = await kv.status();
    if (status.ttl < writer.ttlMs) {
      const jsm = await jetstreamManager(this.nc);
      const name = `KV_${this.options.bucket}`;
      const info = await jsm.streams.info(name);
      await jsm.streams.update(name, { ...info.config, max_age: writer.ttlMs * 1_000_000 });
      this.options.logger?.warn({ bucket: this.options.bucket, was_ms: status.ttl, now_ms: writer.ttlMs }, 'revoked-sessions bucket TTL widened to cover the longest token');
    }
    return kv;
  }

  /** Resolves once identity says every revocation it committed has been published to the bucket. */
  private async nothingPending(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      try {
        const { pending } = await ask(this.nc, this.options.subjectPrefix ?? '', NatsExchanges.revocationsPending, {}, 2000);
        if (pending === 0) return;
      } catch {
        // identity is not answering yet: keep asking
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /**
   * Opens the bucket (waiting for identity to create it), waits until identity has nothing left to publish, loads the
   * entries, then follows; again after any failure or loss of NATS.
   */
  private async watchForever(onLoaded: () => void): Promise<void> {
    while (!this.stopped) {
      try {
        const kv = await this.bucket();
        // identity checks its own sessions in Postgres; everyone else waits until identity has published everything.
        if (!this.options.writer) await this.nothingPending();
        const status = await kv.status();
        this.ttlMs = status.ttl;
        await this.follow(kv, status.values, () => {
          this.loaded = true;
          this.lostSince = undefined;
          onLoaded();
        });
      } catch (error) {
        if (this.stopped) break;
        this.options.logger?.warn({ err: error, bucket: this.options.bucket }, 'revoked-sessions watch interrupted; retrying');
      }
      if (this.stopped) break;
      this.lostSince ??= Date.now();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  private async follow(kv: KV, pending: number, loaded: () => void): Promise<void> {
    let seen = 0;
    if (pending === 0) loaded();
    const watcher = await kv.watch();
    this.interruptWatch = () => watcher.stop();
    const stopping = setInterval(() => {
      if (this.stopped) watcher.stop();
    }, 200);
    try {
      for await (const entry of watcher) {
        if (this.stopped) break;
        if (entry.operation === 'PUT') this.remember(entry);
        seen += 1;
        if (seen >= pending || entry.delta === 0) loaded();
      }
    } finally {
      this.interruptWatch = undefined;
      clearInterval(stopping);
    }
  }

  private remember(entry: KvWatchEntry): void {
    this.revoked.set(entry.key, entry.created.getTime() + this.ttlMs);
  }
}
