import type { EntityManager } from '@mikro-orm/postgresql';
import { RefreshTokenSchema, type RefreshToken } from '../entities/refresh-token.entity.js';
import { SessionSchema, type Session } from '../entities/session.entity.js';

/** Sessions and their refresh tokens (only the SHA-256 of a token is kept). */
export interface Sessions {
  createSession(data: Omit<Session, 'createdAt' | 'revokedAt' | 'revokedReason' | 'lastRefreshedAt'>): Session;
  createRefreshToken(data: Omit<RefreshToken, 'createdAt' | 'usedAt'>): RefreshToken;
  findSession(id: string): Promise<Session | null>;
  /** The session, locked until the unit of work ends: reuse handling, rotation and revocation of one session take turns. */
  findSessionForUpdate(id: string): Promise<Session | null>;
  /** A plain read: the token as it was when read (spending it is `markRefreshTokenUsed`). */
  findRefreshTokenByHash(tokenHash: string): Promise<RefreshToken | null>;
  /** Marks a refresh token used unless someone else already did (atomically); false means it was already spent. */
  markRefreshTokenUsed(id: string): Promise<boolean>;
  isSessionActive(id: string, now?: Date): Promise<boolean>;
  /** The user's sessions that are neither revoked nor expired, newest first. */
  activeOf(userId: string, now?: Date): Promise<Session[]>;
  /** Outbox rows not yet published whose subject is like `subjectPattern` (SQL LIKE): revocations still on their way. */
  unpublishedMessages(subjectPattern: string): Promise<number>;
}

export class SessionRepository implements Sessions {
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

  findSessionForUpdate(id: string): Promise<Session | null> {
    return this.em.findOne(SessionSchema, { id }, { lockMode: 4 /* PESSIMISTIC_WRITE */ });
  }

  findRefreshTokenByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.em.findOne(RefreshTokenSchema, { tokenHash });
  }

  async markRefreshTokenUsed(id: string): Promise<boolean> {
    const updated = await this.em.nativeUpdate(RefreshTokenSchema, { id, usedAt: null }, { usedAt: new Date() });
    return updated === 1;
  }

  async isSessionActive(id: string, now = new Date()): Promise<boolean> {
    const count = await this.em.count(SessionSchema, { id, revokedAt: null, expiresAt: { $gt: now } });
    return count > 0;
  }

  activeOf(userId: string, now = new Date()): Promise<Session[]> {
    return this.em.find(SessionSchema, { userId, revokedAt: null, expiresAt: { $gt: now } }, { orderBy: { createdAt: 'desc' } });
  }

  async unpublishedMessages(subjectPattern: string): Promise<number> {
    const [row] = await this.em.execute<{ n: string }[]>('select count(*)::text as n from outbox where published_at is null and subject like ?', [subjectPattern]);
    return Number(row.n);
  }
}
