import type { UnitOfWork } from '@portcullis/shared/db';
import { TooManyRequests, type ClientInfo } from '@portcullis/shared/http';
import { IdentityEvent } from '../events/identity-events.js';
import type { IdentityRepositories } from '../repositories/index.js';

export interface ThrottleSettings {
  /** Failures per account (or per user at the MFA step) before it locks. */
  maxFailures: number;
  /** Failures per source address before it locks. */
  maxFailuresPerSource: number;
  /** The first lock; each further failure doubles it, up to maxLockMs. */
  baseLockMs: number;
  maxLockMs: number;
  /** A counter idle this long starts again. */
  windowMs: number;
}

export type ThrottleKey = { kind: 'account'; email: string } | { kind: 'mfa'; userId: string } | { kind: 'source'; ip: string };

const keyOf = (k: ThrottleKey) => (k.kind === 'account' ? `account:${k.email}` : k.kind === 'mfa' ? `mfa:${k.userId}` : `source:${k.ip}`);

/**
 * Brute-force protection for sign-in and the MFA step: failures are counted per account (or user) and per source
 * address in Postgres, shared by every instance; past a threshold the key locks with a doubling lock (429 with
 * retry-after); success resets it. Locks and unlocks are audited.
 */
export class LoginThrottle {
  constructor(
    private readonly uow: UnitOfWork<IdentityRepositories>,
    private readonly settings: ThrottleSettings,
  ) {}

  /** Keys for an attempt: the account (or MFA user) and, when known, the source address. */
  static keys(subject: ThrottleKey, client: ClientInfo): ThrottleKey[] {
    return client.ip ? [subject, { kind: 'source', ip: client.ip }] : [subject];
  }

  async assertOpen(keys: ThrottleKey[]): Promise<void> {
    const until = await this.uow.read((repos) => repos.throttle.lockedUntil(keys.map(keyOf)));
    if (until) throw new TooManyRequests((until.getTime() - Date.now()) / 1000, 'Too many failed attempts; try again later.');
  }

  /** Counts a failure against each key, each in a unit of work of its own. */
  async failed(keys: ThrottleKey[], client: ClientInfo, userId: string | null): Promise<void> {
    for (const key of keys) {
      const threshold = key.kind === 'source' ? this.settings.maxFailuresPerSource : this.settings.maxFailures;
      await this.uow.run(async (tx) => {
        const { failures } = await tx.repos.throttle.fail(keyOf(key), this.settings.windowMs);
        if (failures < threshold) return;
        const lockMs = Math.min(this.settings.baseLockMs * 2 ** (failures - threshold), this.settings.maxLockMs);
        const until = await tx.repos.throttle.lock(keyOf(key), lockMs);
        tx.record({
          action: IdentityEvent.loginLocked,
          subject: userId ? `user:${userId}` : `${key.kind}:locked`,
          data: {
            actor: { user_id: userId, ...(client.ip ? { ip: client.ip } : {}), ...(client.user_agent ? { user_agent: client.user_agent } : {}) },
            outcome: 'denied',
            target: { key: key.kind, ...(key.kind === 'account' ? { email: key.email } : key.kind === 'mfa' ? { user_id: key.userId } : { ip: key.ip }), failures, locked_until: until.toISOString() },
            reason: `${failures} failed attempts`,
            request_id: client.request_id,
          },
        });
      });
    }
  }

  async succeeded(keys: ThrottleKey[], client: ClientInfo, userId: string): Promise<void> {
    await this.uow.run(async (tx) => {
      const unlocked = await tx.repos.throttle.reset(keys.map(keyOf));
      for (const key of unlocked) {
        tx.record({
          action: IdentityEvent.loginUnlocked,
          subject: `user:${userId}`,
          data: { actor: { user_id: userId, ...(client.ip ? { ip: client.ip } : {}) }, outcome: 'success', target: { key: key.split(':')[0], user_id: userId }, reason: 'successful sign-in', request_id: client.request_id },
        });
      }
    });
  }
}
