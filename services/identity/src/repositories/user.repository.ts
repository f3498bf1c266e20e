import type { EntityManager } from '@mikro-orm/postgresql';
import { UserSchema, type User } from '../entities/user.entity.js';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class UserRepository {
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

  /** The user with the password hash loaded (it is lazy everywhere else). */
  findByEmailWithPassword(email: string): Promise<User | null> {
    return this.em.findOne(UserSchema, { email: normalizeEmail(email) }, { populate: ['passwordHash'] });
  }

  create(data: Pick<User, 'id' | 'email' | 'name' | 'passwordHash'>): User {
    const now = new Date();
    return this.em.create(UserSchema, { ...data, email: normalizeEmail(data.email), status: 'active', createdAt: now, updatedAt: now });
  }

  async page(query: { q?: string; status?: 'active' | 'disabled'; page: number; pageSize: number }): Promise<{ items: User[]; total: number }> {
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
}
