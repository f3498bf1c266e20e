import { randomBytes } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import type { User as PublicUser } from '@portcullis/shared/contracts';
import type { UnitOfWork } from '@portcullis/shared/db';
import { Conflict } from '@portcullis/shared/http';
import type { User } from '../entities/user.entity.js';
import { IdentityEvent } from '../events/identity-events.js';
import { normalizeEmail, PLATFORM_DOMAIN, type IdentityRepositories } from '../repositories/index.js';
import type { PasswordHasher } from './password-hasher.js';

/** Typed by the public view (shared/contracts/views.ts): what is answered is what is documented. */
export function toPublicUser(user: User): PublicUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    status: user.status,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

export interface Audited {
  actor: { user_id: string | null; impersonator_id?: string; ip?: string; user_agent?: string };
  request_id: string;
}

export class UserService {
  constructor(
    private readonly uow: UnitOfWork<IdentityRepositories>,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Creates a user, with platform roles granted in the same transaction when given. */
  async create(input: { email: string; name: string; password: string; platformRoles?: string[] }, audit: Audited): Promise<User> {
    const passwordHash = await this.hasher.hash(input.password);
    const platformRoles = input.platformRoles ?? [];
    try {
      return await this.uow.run(async (tx) => {
        const created = tx.repos.users.create({ id: uuidv7(), email: input.email, name: input.name, passwordHash });
        for (const role of platformRoles) await tx.policy.grant({ subject: created.id, role, domain: PLATFORM_DOMAIN });
        tx.record({
          action: IdentityEvent.userCreated,
          subject: `user:${created.id}`,
          data: {
            actor: audit.actor,
            outcome: 'success',
            target: { user_id: created.id, email: created.email },
            changes: { before: null, after: { email: created.email, name: created.name, status: created.status, platform_roles: platformRoles } },
            request_id: audit.request_id,
          },
        });
        return created;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new Conflict('A user with this email already exists.', 'already-exists');
      throw error;
    }
  }

  findById(id: string): Promise<User | null> {
    return this.uow.read((repos) => repos.users.findById(id));
  }

  findByEmail(email: string): Promise<User | null> {
    return this.uow.read((repos) => repos.users.findByEmail(email));
  }

  /**
   * Creates the first platform admin once. Returns the password only when this call generated it, so it can be shown
   * exactly once.
   */
  async ensureBootstrapAdmin(email: string, password?: string): Promise<{ user: User; created: boolean; generatedPassword?: string }> {
    const existing = await this.findByEmail(normalizeEmail(email));
    if (existing) {
      await this.ensurePlatformAdminGrant(existing);
      return { user: existing, created: false };
    }
    const generatedPassword = password ? undefined : randomBytes(18).toString('base64url');
    try {
      const user = await this.create(
        { email, name: 'Platform Admin', password: password ?? generatedPassword!, platformRoles: ['platform_admin'] },
        { actor: { user_id: null }, request_id: 'bootstrap' },
      );
      return { user, created: true, ...(generatedPassword ? { generatedPassword } : {}) };
    } catch (error) {
      // Another process created it first.
      if (error instanceof Conflict) return { user: (await this.findByEmail(email))!, created: false };
      throw error;
    }
  }

  /** The bootstrap admin keeps its platform_admin grant even if the policy store was reset. */
  private async ensurePlatformAdminGrant(user: User): Promise<void> {
    await this.uow.run(async (tx) => {
      if (await tx.policy.grant({ subject: user.id, role: 'platform_admin', domain: PLATFORM_DOMAIN })) {
        tx.record({
          action: IdentityEvent.userUpdated,
          subject: `user:${user.id}`,
          data: {
            actor: { user_id: null },
            outcome: 'success',
            target: { user_id: user.id, email: user.email },
            changes: { before: { platform_roles: [] }, after: { platform_roles: ['platform_admin'] } },
            reason: 'bootstrap platform admin',
            request_id: 'bootstrap',
          },
        });
      }
    });
  }
}
