import type { EntityManager } from '@mikro-orm/postgresql';
import { RefreshTokenSchema, type RefreshToken } from '../entities/refresh-token.entity.js';
import { SessionSchema, type Session } from '../entities/session.entity.js';

export class SessionRepository {
  constructor(private readonly em: EntityManager) {}

  createSession(data: Omit<Session, 'createdAt' | 'revokedAt' | 'revokedReason' | 'lastRefreshedAt'>): Session {
    return this.em.create(SessionSchema, { ...data, createdAt: new Date() });
  }

  createRefreshToken(data: Omit<RefreshToken, 'createdAt' | 'usedAt'>): RefreshToken {
    return this.em.create(RefreshTokenSchema, { ...data, createdAt: new Date() });
  }

  findSession(id: string): Promise<Session | null> {
    return this.em.findOne(SessionSchema, { id });
  }

  /** Locks the session row so reuse handling and rotation of one session take turns. */
  findSessionForUpdate(id: string): Promise<Session | null> {
    return this.em.findOne(SessionSchema, { id }, { lockMode: 4 /* PESSIMISTIC_WRITE */ });
  }

  findRefreshTokenByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.em.findOne(RefreshTokenSchema, { tokenHash });
  }

  /** Marks a refresh token used unless someone else already did; false means it was already spent. */
  async markRefreshTokenUsed(id: string): Promise<boolean> {
    const updated = await this.em.nativeUpdate(RefreshTokenSchema, { id, usedAt: null }, { usedAt: new Date() });
    return updated === 1;
  }

  async isSessionActive(id: string, now = new Date()): Promise<boolean> {
    const count = await this.em.count(SessionSchema, { id, revokedAt: null, expiresAt: { $gt: now } });
    return count > 0;
  }

  /** The user's sessions that are neither revoked nor expired, newest first. */
  activeOf(userId: string, now = new Date()): Promise<Session[]> {
    return this.em.find(SessionSchema, { userId, revokedAt: null, expiresAt: { $gt: now } }, { orderBy: { createdAt: 'desc' } });
  }
}
