import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AuditContext, RevokedSessions } from '@portcullis/shared/auth';
import type { Outbox } from '@portcullis/shared/events';
import { NotFound, type Logger } from '@portcullis/shared/http';
import type { Session } from '../entities/session.entity.js';
import { IdentityEvent } from '../events/identity-events.js';
import { SessionRepository } from '../repositories/session.repository.js';

export function toPublicSession(session: Session, currentSessionId?: string) {
  return {
    id: session.id,
    current: session.id === currentSessionId,
    amr: session.amr,
    auth_time: session.authTime.toISOString(),
    created_at: session.createdAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    last_refreshed_at: session.lastRefreshedAt?.toISOString() ?? null,
    ip: session.ip ?? null,
    user_agent: session.userAgent ?? null,
  };
}

/**
 * A user's sessions: listed, revoked one by one or all at once. A revocation commits with its audit event, then is
 * announced to every service (their tokens are refused within a second).
 */
export class SessionService {
  constructor(
    private readonly orm: MikroORM,
    private readonly outbox: Outbox,
    private readonly revocations: Pick<RevokedSessions, 'revoke'>,
    private readonly logger: Logger,
  ) {}

  list(userId: string): Promise<Session[]> {
    return new SessionRepository(this.orm.em.fork()).activeOf(userId);
  }

  /** Revokes one of the user's own sessions (404 for anyone else's, like a missing one). */
  async revoke(userId: string, sessionId: string, audit: AuditContext): Promise<void> {
    const revoked = await this.orm.em.fork().transactional(async (tx) => {
      const session = await new SessionRepository(tx).findSessionForUpdate(sessionId);
      if (!session || session.userId !== userId) throw new NotFound('No such session.');
      return this.end(tx, session, 'revoked_by_user', audit) ? [session.id] : [];
    });
    await this.announce(revoked);
  }

  /** Revokes every active session of the user except `keep` (the caller's own, when given). */
  async revokeAll(userId: string, reason: string, audit: AuditContext, keep?: string): Promise<number> {
    const revoked = await this.orm.em.fork().transactional((tx) => this.revokeAllIn(tx, userId, reason, audit, keep));
    await this.announce(revoked);
    return revoked.length;
  }

  /** Inside the caller's transaction; announce the returned ids after the commit. */
  async revokeAllIn(tx: EntityManager, userId: string, reason: string, audit: AuditContext, keep?: string): Promise<string[]> {
    const sessions = await new SessionRepository(tx).activeOf(userId);
    return sessions.filter((s) => s.id !== keep && this.end(tx, s, reason, audit)).map((s) => s.id);
  }

  /** Revokes one session inside the caller's transaction; true when it was active. Announce it after the commit. */
  async revokeIn(tx: EntityManager, sessionId: string, reason: string, audit: AuditContext): Promise<boolean> {
    const session = await new SessionRepository(tx).findSessionForUpdate(sessionId);
    return session ? this.end(tx, session, reason, audit) : false;
  }

  async announce(sessionIds: string[]): Promise<void> {
    if (sessionIds.length) this.outbox.committed();
    for (const id of sessionIds) {
      try {
        await this.revocations.revoke(id);
      } catch (error) {
        this.logger.warn({ err: error, session_id: id }, 'could not announce a revoked session; other services accept its tokens until they expire');
      }
    }
  }

  private end(tx: EntityManager, session: Session, reason: string, audit: AuditContext): boolean {
    if (session.revokedAt) return false;
    session.revokedAt = new Date();
    session.revokedReason = reason;
    this.outbox.record(tx, {
      action: IdentityEvent.sessionRevoked,
      subject: `user:${session.userId}`,
      data: { actor: audit.actor, outcome: 'success', target: { user_id: session.userId, session_id: session.id }, reason, request_id: audit.request_id },
    });
    return true;
  }
}
