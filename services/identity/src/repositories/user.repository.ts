import type { EntityManager } from '@mikro-orm/postgresql';
import { UserSchema, type User } from '../entities/user.entity.js';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface UserPageQuery {
  /** Part of the email or the name, case-insensitive and literal. */
  q?: string;
  status?: 'active' | 'disabled';
  page: number;
  pageSize: number;
}

/** Users, as the services see them (Postgres here; in memory in unit tests). Emails are normalized and unique. */
export interface Users {
  findById(id: string): Promise<User | null>;
  findByEmail(email: string): Promise<User | null>;
  findByIdWithPassword(id: string): Promise<User | null>;
  /** The user with the password hash loaded (it is lazy everywhere else). */
  findByEmailWithPassword(email: string): Promise<User | null>;
  /** A new active user; a taken email fails the unit of work with a unique constraint violation. */
  create(data: Pick<User, 'id' | 'email' | 'name' | 'passwordHash'>): User;
  /** By email. */
  page(query: UserPageQuery): Promise<{ items: User[]; total: number }>;
  /** Deletes the user now; their sessions, refresh tokens, MFA and impersonations go with them (on delete cascade). */
  delete(id: string): Promise<void>;
}

export class UserRepository implements Users {
  constructor(private readonly em: EntityManager) {}

  findById(id: string): Promise<User | null> {
    return this.em.findOne(UserSchema, { id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.em.findOne(UserSchema, { email: normalizeEmail(email) });
  }

  findByIdWithPassword(id: string): Promise<User | null> {
    return this.em.findOne(UserSchema, { id }, { populate: ['passwordHash'] });
  }

  findByEmailWithPassword(email: string): Promise<User | null> {
    return this.em.findOne(UserSchema, { email: normalizeEmail(email) }, { populate: ['passwordHash'] });
  }

  create(data: Pick<User, 'id' | 'email' | 'name' | 'passwordHash'>): User {
    const now = new Date();
    return this.em.create(UserSchema, { ...data, email: normalizeEmail(data.email), status: 'active', createdAt: now, updatedAt: now });
  }

  async page(query: UserPageQuery): Promise<{ items: User[]; total: number }> {
    const where: Record<string, unknown> = {};
    if (query.status) where.status = query.status;
    if (query.q) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.$or = [{ email: { $ilike: pattern } }, { name: { $ilike: pattern } }];
    }
    const [items, total] = await this.em.findAndCount(UserSchema, where, {
      orderBy: { email: 'asc' },
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    });
    return { items, total };
  }

  async delete(id: string): Promise<void> {
    await this.em.execute('delete from users where id = ?', [id]);
  }
}
