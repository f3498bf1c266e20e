import type { AuditContext } from '@portcullis/shared/auth';
import type { UnitOfWork } from '@portcullis/shared/db';
import { InvalidRequest, NotFound, type ClientInfo } from '@portcullis/shared/http';
import type { User } from '../entities/user.entity.js';
import { IdentityEvent } from '../events/identity-events.js';
import type { IdentityRepositories } from '../repositories/index.js';
import { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
import type { SessionService } from './session.service.js';

/** What a signed-in user changes about themselves: their name and their password. */
export class ProfileService {
  constructor(
    private readonly uow: UnitOfWork<IdentityRepositories>,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
  ) {}

  rename(userId: string, name: string, audit: AuditContext): Promise<User> {
    return this.uow.run(async (tx) => {
      const found = await tx.repos.users.findById(userId);
      if (!found) throw new NotFound('The user no longer exists.');
      const before = found.name;
      found.name = name;
      found.updatedAt = new Date();
      tx.record({
        action: IdentityEvent.userUpdated,
        subject: `user:${userId}`,
        data: { actor: audit.actor, outcome: 'success', target: { user_id: userId }, changes: { before: { name: before }, after: { name } }, request_id: audit.request_id },
      });
      return found;
    });
  }

  /**
   * Needs the current password; every other session of the user ends (the caller's stays). A wrong current password
   * counts as a failed sign-in of the account and the source (same throttle and lock), so this is no password oracle.
   */
  async changePassword(userId: string, currentSessionId: string, current: string, next: string, audit: AuditContext, client: ClientInfo): Promise<{ revoked_sessions: number }> {
    const user = await this.uow.read((repos) => repos.users.findByIdWithPassword(userId));
    if (!user) throw new NotFound('The user no longer exists.');
    const keys = LoginThrottle.keys({ kind: 'account', email: user.email }, client);
    await this.throttle.assertOpen(keys);
    if (!(await this.hasher.verify(user.passwordHash, current))) {
      await this.uow.run(async (tx) => {
        tx.record({
          action: IdentityEvent.loginFailed,
          subject: `user:${userId}`,
          data: { actor: audit.actor, outcome: 'failure', target: { user_id: userId, email: user.email }, reason: 'invalid_current_password', request_id: audit.request_id },
        });
      });
      await this.throttle.failed(keys, client, userId);
      throw new InvalidRequest('The current password is not correct.', [{ path: 'body.current_password', message: 'is not correct' }]);
    }
    await this.throttle.succeeded(keys, client, userId);
    const passwordHash = await this.hasher.hash(next);
    const revoked = await this.uow.run(async (tx) => {
      const found = (await tx.repos.users.findByIdWithPassword(userId))!;
      found.passwordHash = passwordHash;
      found.updatedAt = new Date();
      tx.record({
        action: IdentityEvent.passwordChanged,
        subject: `user:${userId}`,
        data: { actor: audit.actor, outcome: 'success', target: { user_id: userId }, request_id: audit.request_id },
      });
      return this.sessions.revokeAllIn(tx, userId, 'password_changed', audit, currentSessionId);
    });
    return { revoked_sessions: revoked.length };
  }
}
