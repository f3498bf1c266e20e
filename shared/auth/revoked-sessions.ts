import { Kvm, type KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import type { NatsConnection } from '../nats/index.js';
import type { Principal } from './principal.js';

/**
 * Revoked session ids, shared by every instance of every service through a JetStream KV bucket whose entries live as
 * long as an access token can (the bucket's TTL). Each process watches the bucket and keeps the ids in memory, so a
 * check is a map lookup and a revocation reaches everyone as soon as NATS delivers it.
 */
export class RevokedSessions {
  /** session id → when its entry stops mattering (every access token of it has expired by then). */
  private readonly revoked = new Map<string, number>();
  private stopped = false;

  private constructor(
    private readonly kv: KV,
    private readonly ttlMs: number,
  ) {}

  static async open(nc: NatsConnection, bucket: string, ttlMs: number, logger?: Logger, replicas = 1): Promise<RevokedSessions> {
    const kv = await new Kvm(nc).create(bucket, { ttl: ttlMs, history: 1, replicas });
    const sessions = new RevokedSessions(kv, ttlMs);
    await sessions.watch(logger);
    return sessions;
  }

  /** For `authenticate`: true when the principal's session was revoked. */
  readonly check = async (principal: Principal): Promise<boolean> => this.isRevoked(principal.session_id);

  isRevoked(sessionId: string): boolean {
    const until = this.revoked.get(sessionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.revoked.delete(sessionId);
    return false;
  }

  /** Tells every instance; resolves once the server has stored it. */
  async revoke(sessionId: string): Promise<void> {
    this.remember(sessionId, Date.now());
    await this.kv.put(sessionId, '1');
  }

  stop(): void {
    this.stopped = true;
  }

  private remember(sessionId: string, at: number): void {
    this.revoked.set(sessionId, at + this.ttlMs);
  }

  /** Loads what is in the bucket, then follows new entries; resolves once the existing ones are loaded. */
  private async watch(logger?: Logger): Promise<void> {
    const pending = (await this.kv.status()).values;
    let loaded!: () => void;
    const ready = new Promise<void>((resolve) => (loaded = resolve));
    let seen = 0;
    if (pending === 0) loaded();
    const watcher = await this.kv.watch();
    void (async () => {
      try {
        for await (const entry of watcher) {
          if (this.stopped) break;
          if (entry.operation === 'PUT') this.remember(entry.key, entry.created.getTime());
          seen += 1;
          if (seen >= pending || entry.delta === 0) loaded();
        }
      } catch (error) {
        logger?.error({ err: error }, 'revoked-sessions watch ended');
      }
    })();
    await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }
}
