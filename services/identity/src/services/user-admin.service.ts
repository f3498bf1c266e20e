import { randomBytes } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AuditContext } from '@portcullis/shared/auth';
import { readVocabulary, rolesOfSubject, subjectsWithRole, type GrantWriter, type PolicyChange } from '@portcullis/shared/authz';
import { advisoryKey } from '@portcullis/shared/db';
import type { Outbox } from '@portcullis/shared/events';
import { Conflict, InvalidRequest, NotFound } from '@portcullis/shared/http';
import type { User } from '../entities/user.entity.js';
import { IdentityEvent } from '../events/identity-events.js';
import { UserRepository } from '../repositories/user.repository.js';
import type { ImpersonationService } from './impersonation.service.js';
import type { SessionService } from './session.service.js';
import type { UserService } from './user.service.js';

const PLATFORM_ADMIN = 'platform_admin';
/** Changes to platform admins take this lock, so two of them cannot leave the platform without one. */
const PLATFORM_ADMINS_LOCK = 'identity:platform-admins';

/** User administration for platform admins: create, list, read, rename, disable/enable, delete, platform roles. */
export class UserAdminService {
  private readonly platformRoles: string[];

  constructor(
    private readonly orm: MikroORM,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly grants: GrantWriter,
    private readonly outbox: Outbox,
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

  list(query: { q?: string; status?: 'active' | 'disabled'; page: number; pageSize: number }) {
    return new UserRepository(this.orm.em.fork()).page(query);
  }

  async get(id: string): Promise<{ user: User; platform_roles: string[] }> {
    const em = this.orm.em.fork();
    const user = await new UserRepository(em).findById(id);
    if (!user) throw new NotFound('No such user.');
    return { user, platform_roles: await rolesOfSubject(em, id, 'platform') };
  }

  /** Disabling ends every session of the user, in the same transaction. */
  async update(id: string, input: { name?: string; status?: 'active' | 'disabled' }, audit: AuditContext): Promise<User> {
    const user = await this.orm.em.fork().transactional(async (tx) => {
      const found = await new UserRepository(tx).findById(id);
      if (!found) throw new NotFound('No such user.');
      const before = { name: found.name, status: found.status };
      if (input.name !== undefined) found.name = input.name;
      if (input.status !== undefined) found.status = input.status;
      found.updatedAt = new Date();
      const disabling = found.status === 'disabled' && before.status !== 'disabled';
      // Ending their sessions ends the impersonations those sessions started.
      if (disabling) await this.sessions.revokeAllIn(tx, id, 'user_disabled', audit);
      this.outbox.record(tx, {
        // The contract names disabling on its own; any other change (re-enabling included) is an update.
        action: disabling ? IdentityEvent.userDisabled : IdentityEvent.userUpdated,
        subject: `user:${id}`,
        data: { actor: audit.actor, outcome: 'success', target: { user_id: id, email: found.email }, changes: { before, after: { name: found.name, status: found.status } }, request_id: audit.request_id },
      });
      return found;
    });
    this.sessions.announce();
    return user;
  }

  /** Deletes the user, their platform grants and sessions; never the last platform admin, never oneself. */
  async delete(id: string, audit: AuditContext): Promise<void> {
    if (id === audit.actor.user_id) throw new Conflict('You cannot delete yourself.');
    const changes: (PolicyChange | undefined)[] = [];
    await this.orm.em.fork().transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(?)', [advisoryKey(PLATFORM_ADMINS_LOCK)]);
      const user = await new UserRepository(tx).findById(id);
      if (!user) throw new NotFound('No such user.');
      const roles = await rolesOfSubject(tx, id, 'platform');
      if (roles.includes(PLATFORM_ADMIN)) await this.assertAnotherPlatformAdmin(tx, id);
      await this.sessions.revokeAllIn(tx, id, 'user_deleted', audit);
      for (const role of roles) changes.push(await this.grants.remove(tx, { subject: id, role, domain: 'platform' }));
      this.outbox.record(tx, {
        action: IdentityEvent.userDeleted,
        subject: `user:${id}`,
        data: { actor: audit.actor, outcome: 'success', target: { user_id: id, email: user.email }, changes: { before: { email: user.email, platform_roles: roles }, after: null }, request_id: audit.request_id },
      });
      await tx.flush();
      await tx.execute('delete from users where id = ?', [id]);
    });
    this.sessions.announce();
    this.grants.announce(changes);
  }

  /** Replaces the user's platform roles (grants in the `platform` domain); the last platform admin stays (409). */
  async setPlatformRoles(id: string, requested: string[], audit: AuditContext): Promise<string[]> {
    const unknown = requested.filter((r) => !this.platformRoles.includes(r));
    if (unknown.length) throw new InvalidRequest(`Unknown platform role: ${unknown.join(', ')}.`, [{ path: 'body.roles', message: `known: ${this.platformRoles.join(', ')}` }]);
    const roles = [...new Set(requested)];
    let changes: (PolicyChange | undefined)[] = [];
    await this.orm.em.fork().transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(?)', [advisoryKey(PLATFORM_ADMINS_LOCK)]);
      if (!(await new UserRepository(tx).findById(id))) throw new NotFound('No such user.');
      const before = await rolesOfSubject(tx, id, 'platform');
      if (before.includes(PLATFORM_ADMIN) && !roles.includes(PLATFORM_ADMIN)) await this.assertAnotherPlatformAdmin(tx, id);
      for (const role of before) if (!roles.includes(role)) changes.push(await this.grants.remove(tx, { subject: id, role, domain: 'platform' }));
      // Impersonating needs platform_admin: losing it ends the impersonation at once (every service also refuses an
      // impersonation token whose impersonator may no longer impersonate).
      if (before.includes(PLATFORM_ADMIN) && !roles.includes(PLATFORM_ADMIN)) await this.impersonations.endAllByIn(tx, id, 'impersonator_lost_platform_admin', audit);
      for (const role of roles) if (!before.includes(role)) changes.push(await this.grants.add(tx, { subject: id, role, domain: 'platform' }));
      changes = changes.filter(Boolean);
      if (changes.length) {
        this.outbox.record(tx, {
          action: IdentityEvent.userUpdated,
          subject: `user:${id}`,
          data: { actor: audit.actor, outcome: 'success', target: { user_id: id }, changes: { before: { platform_roles: before }, after: { platform_roles: roles } }, request_id: audit.request_id },
        });
      }
    });
    this.outbox.committed();
    this.grants.announce(changes);
    return roles;
  }

  private async assertAnotherPlatformAdmin(tx: EntityManager, id: string): Promise<void> {
    const admins = await subjectsWithRole(tx, PLATFORM_ADMIN, 'platform');
    if (!admins.some((admin) => admin !== id)) throw new Conflict('This is the last platform admin; make another user platform admin first.', 'last-admin');
  }
}
