import { randomBytes } from 'node:crypto';
import type { AuditContext } from '@portcullis/shared/auth';
import { readVocabulary } from '@portcullis/shared/authz';
import type { Transaction, UnitOfWork } from '@portcullis/shared/db';
import { Conflict, InvalidRequest, NotFound } from '@portcullis/shared/http';
import type { User } from '../entities/user.entity.js';
import { IdentityEvent } from '../events/identity-events.js';
import { PLATFORM_DOMAIN, type IdentityRepositories, type UserPageQuery } from '../repositories/index.js';
import type { ImpersonationService } from './impersonation.service.js';
import type { SessionService } from './session.service.js';
import type { UserService } from './user.service.js';

const PLATFORM_ADMIN = 'platform_admin';
/** Changes to platform admins take this lock, so two of them cannot leave the platform without one. */
const PLATFORM_ADMINS_LOCK = 'identity:platform-admins';

type Tx = Transaction<IdentityRepositories>;

/** User administration for platform admins: create, list, read, rename, disable/enable, delete, platform roles. */
export class UserAdminService {
  private readonly platformRoles: string[];

  constructor(
    private readonly uow: UnitOfWork<IdentityRepositories>,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly impersonations: Pick<ImpersonationService, 'endAllByIn'>,
  ) {
    this.platformRoles = Object.entries(readVocabulary().roles).filter(([, r]) => r.domain === 'platform').map(([name]) => name);
  }

  /** Without a password, one is generated and returned this once. */
  async create(input: { email: string; name: string; password?: string }, audit: AuditContext): Promise<{ user: User; initial_password?: string }> {
    const initial = input.password ? undefined : randomBytes(18).toString('base64url');
    const user = await this.users.create({ email: input.email, name: input.name, password: input.password ?? initial! }, audit);
    return { user, ...(initial ? { initial_password: initial } : {}) };
  }

  list(query: UserPageQuery): Promise<{ items: User[]; total: number }> {
    return this.uow.read((repos) => repos.users.page(query));
  }

  get(id: string): Promise<{ user: User; platform_roles: string[] }> {
    return this.uow.read(async (repos) => {
      const user = await repos.users.findById(id);
      if (!user) throw new NotFound('No such user.');
      return { user, platform_roles: await repos.platformRoles.of(id) };
    });
  }

  /** Disabling ends every session of the user, in the same transaction. */
  update(id: string, input: { name?: string; status?: 'active' | 'disabled' }, audit: AuditContext): Promise<User> {
    return this.uow.run(async (tx) => {
      const found = await tx.repos.users.findById(id);
      if (!found) throw new NotFound('No such user.');
      const before = { name: found.name, status: found.status };
      if (input.name !== undefined) found.name = input.name;
      if (input.status !== undefined) found.status = input.status;
      found.updatedAt = new Date();
      const disabling = found.status === 'disabled' && before.status !== 'disabled';
      // Ending their sessions ends the impersonations those sessions started.
      if (disabling) await this.sessions.revokeAllIn(tx, id, 'user_disabled', audit);
      tx.record({
        // The contract names disabling on its own; any other change (re-enabling included) is an update.
        action: disabling ? IdentityEvent.userDisabled : IdentityEvent.userUpdated,
        subject: `user:${id}`,
        data: { actor: audit.actor, outcome: 'success', target: { user_id: id, email: found.email }, changes: { before, after: { name: found.name, status: found.status } }, request_id: audit.request_id },
      });
      return found;
    });
  }

  /** Deletes the user, their platform grants and sessions; never the last platform admin, never oneself. */
  async delete(id: string, audit: AuditContext): Promise<void> {
    if (id === audit.actor.user_id) throw new Conflict('You cannot delete yourself.');
    await this.uow.run(async (tx) => {
      const user = await tx.repos.users.findById(id);
      if (!user) throw new NotFound('No such user.');
      const roles = await tx.repos.platformRoles.of(id);
      if (roles.includes(PLATFORM_ADMIN)) await this.assertAnotherPlatformAdmin(tx, id);
      await this.sessions.revokeAllIn(tx, id, 'user_deleted', audit);
      for (const role of roles) await tx.policy.revoke({ subject: id, role, domain: PLATFORM_DOMAIN });
      tx.record({
        action: IdentityEvent.userDeleted,
        subject: `user:${id}`,
        data: { actor: audit.actor, outcome: 'success', target: { user_id: id, email: user.email }, changes: { before: { email: user.email, platform_roles: roles }, after: null }, request_id: audit.request_id },
      });
      // The revocations are written before the delete cascades to the sessions.
      await tx.flush();
      await tx.repos.users.delete(id);
    }, { lock: PLATFORM_ADMINS_LOCK });
  }

  /** Replaces the user's platform roles (grants in the `platform` domain); the last platform admin stays (409). */
  async setPlatformRoles(id: string, requested: string[], audit: AuditContext): Promise<string[]> {
    const unknown = requested.filter((r) => !this.platformRoles.includes(r));
    if (unknown.length) throw new InvalidRequest(`Unknown platform role: ${unknown.join(', ')}.`, [{ path: 'body.roles', message: `known: ${this.platformRoles.join(', ')}` }]);
    const roles = [...new Set(requested)];
    await this.uow.run(async (tx) => {
      if (!(await tx.repos.users.findById(id))) throw new NotFound('No such user.');
      const before = await tx.repos.platformRoles.of(id);
      if (before.includes(PLATFORM_ADMIN) && !roles.includes(PLATFORM_ADMIN)) await this.assertAnotherPlatformAdmin(tx, id);
      let changed = false;
      for (const role of before) if (!roles.includes(role)) changed = (await tx.policy.revoke({ subject: id, role, domain: PLATFORM_DOMAIN })) || changed;
      // Impersonating needs platform_admin: losing it ends the impersonation at once (every service also refuses an
      // impersonation token whose impersonator may no longer impersonate).
      if (before.includes(PLATFORM_ADMIN) && !roles.includes(PLATFORM_ADMIN)) await this.impersonations.endAllByIn(tx, id, 'impersonator_lost_platform_admin', audit);
      for (const role of roles) if (!before.includes(role)) changed = (await tx.policy.grant({ subject: id, role, domain: PLATFORM_DOMAIN })) || changed;
      if (changed) {
        tx.record({
          action: IdentityEvent.userUpdated,
          subject: `user:${id}`,
          data: { actor: audit.actor, outcome: 'success', target: { user_id: id }, changes: { before: { platform_roles: before }, after: { platform_roles: roles } }, request_id: audit.request_id },
        });
      }
    }, { lock: PLATFORM_ADMINS_LOCK });
    return roles;
  }

  private async assertAnotherPlatformAdmin(tx: Tx, id: string): Promise<void> {
    const admins = await tx.repos.platformRoles.holders(PLATFORM_ADMIN);
    if (!admins.some((admin) => admin !== id)) throw new Conflict('This is the last platform admin; make another user platform admin first.', 'last-admin');
  }
}
