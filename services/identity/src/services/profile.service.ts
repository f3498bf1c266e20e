import type { MikroORM } from '@mikro-orm/postgresql';
import type { AuditContext } from '@portcullis/shared/auth';
import type { Outbox } from '@portcullis/shared/events';
import { InvalidRequest, NotFound, type ClientInfo } from '@portcullis/shared/http';
import type { User } from '../entities/user.entity.js';
import { IdentityEvent } from '../events/identity-events.js';
import { UserRepository } from '../repositories/user.repository.js';
import { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
import type { SessionService } from './session.service.js';

/** What a signed-in user changes about themselves: their name and their password. */
export class ProfileService {
  constructor(
    private readonly orm: MikroORM,
    private readonly hasher: PasswordHasher,
    private readonly outbox: Outbox,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
  ) {}

  async rename(userId: string, name: string, audit: AuditContext): Promise<User> {
    const user = await this.orm.em.fork().transactional(async (tx) => {
      const found = await new UserRepository(tx).findById(userId);
      if (!found) throw new NotFound('The user no longer exists.');
      const before = found.name;
      found.name = name;
      found.updatedAt = new Date();
      this.outbox.record(tx, {
        action: IdentityEvent.userUpdated,
        subject: `user:${userId}`,
        data: { actor: audit.actor, outcome: 'success', target: { user_id: userId }, changes: { before: { name: before }, after: { name } }, request_id: audit.request_id },
      });
      return found;
    });
    this.outbox.committed();
    return user;
  }

  /**
   * Needs the current password; every other session of the user ends (the caller's stays). A wrong current password
   * counts as a failed sign-in of the account and the source (same throttle and lock), so this is no password oracle.
   */
  async changePassword(userId: string, currentSessionId: string, current: string, next: string, audit: AuditContext, client: ClientInfo): Promise<{ revoked_sessions: number }> {
    const user = await new UserRepository(this.orm.em.fork()).findByIdWithPassword(userId);
    if (!user) throw new NotFound('The user no longer exists.');
    const keys = LoginThrottle.keys({ kind: 'account', email: user.email }, client);
    await this.throttle.assertOpen(keys);
    if (!(await this.hasher.verify(user.passwordHash, current))) {
      await this.orm.em.fork().transactional(async (tx) => {
        this.outbox.record(tx, {
          action: IdentityEvent.loginFailed,
          subject: `user:${userId}`,
          data: { actor: audit.actor, outcome: 'failure', target: { user_id: userId, email: user.email }, reason: 'invalid_current_password', request_id: audit.request_id },
        });
      });
      this.outbox.committed();
      await this.throttle.failed(keys, client, userId);
      throw new InvalidRequest('The current password is not correct.', [{ path: 'body.current_password', message: 'is not correct' }]);
    }
    await this.throttle.succeeded(keys, client, userId);
    const passwordHash = await this.hasher.hash(next);
    const revoked = await this.orm.em.fork().transactional(async (tx) => {
      const found = (await new UserRepository(tx).findByIdWithPassword(userId))!;
      found.passwordHash = passwordHash;
      found.updatedAt = new Date();
      this.outbox.record(tx, {
        action: IdentityEvent.passwordChanged,
        subject: `user:${userId}`,
        data: { actor: audit.actor, outcome: 'success', target: { user_id: userId }, request_id: audit.request_id },
      });
      return this.sessions.revokeAllIn(tx, userId, 'password_changed', audit, currentSessionId);
    });
    this.sessions.announce();
    return { revoked_sessions: revoked.length };
  }
}
