import type { Session as PublicSession } from '@portcullis/shared/contracts';
import { revocationSubject, type AuditContext } from '@portcullis/shared/auth';
import type { Transaction, UnitOfWork } from '@portcullis/shared/db';
import { NotFound } from '@portcullis/shared/http';
import type { Session } from '../entities/session.entity.js';
import { IdentityEvent } from '../events/identity-events.js';
import type { IdentityRepositories, ImpersonationSession } from '../repositories/index.js';

type Tx = Transaction<IdentityRepositories>;

export function toPublicSession(session: Session, currentSessionId?: string): PublicSession {
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
 * A user's sessions: listed, revoked one by one or all at once. A revocation commits with its audit event and with
 * the message that tells every service (`tx.send`: an outbox row for the revoked-sessions bucket that leaves once the
 * revocation has committed, and keeps being retried until NATS has it). Ending a session ends the impersonations it
 * started.
 */
export class SessionService {
  constructor(
    private readonly uow: UnitOfWork<IdentityRepositories>,
    /** The revoked-sessions bucket every service watches. */
    private readonly revocationBucket: string,
  ) {}

  list(userId: string): Promise<Session[]> {
    return this.uow.read((repos) => repos.sessions.activeOf(userId));
  }

  /** Revokes one of the user's own sessions (404 for anyone else's, like a missing one). */
  async revoke(userId: string, sessionId: string, audit: AuditContext): Promise<void> {
    await this.uow.run(async (tx) => {
      const session = await tx.repos.sessions.findSessionForUpdate(sessionId);
      if (!session || session.userId !== userId) throw new NotFound('No such session.');
      await this.endIn(tx, session, 'revoked_by_user', audit);
    });
  }

  /** Revokes every active session of the user except `keep` (the caller's own, when given). */
  async revokeAll(userId: string, reason: string, audit: AuditContext, keep?: string): Promise<number> {
    const revoked = await this.uow.run((tx) => this.revokeAllIn(tx, userId, reason, audit, keep));
    return revoked.length;
  }

  /** Inside the caller's unit of work. Returns the ids it ended. */
  async revokeAllIn(tx: Tx, userId: string, reason: string, audit: AuditContext, keep?: string): Promise<string[]> {
    const ended: string[] = [];
    for (const session of await tx.repos.sessions.activeOf(userId)) {
      if (session.id !== keep && (await this.endIn(tx, session, reason, audit))) ended.push(session.id);
    }
    return ended;
  }

  /** Revokes one session inside the caller's unit of work; true when it was active. */
  async revokeIn(tx: Tx, sessionId: string, reason: string, audit: AuditContext): Promise<boolean> {
    const session = await tx.repos.sessions.findSessionForUpdate(sessionId);
    return session ? this.endIn(tx, session, reason, audit) : false;
  }

  /**
   * Ends a session in `tx`: marks it revoked, records `session.revoked` and the revocation every service hears, and
   * ends every impersonation it started. False when it had already ended.
   */
  async endIn(tx: Tx, session: Session, reason: string, audit: AuditContext): Promise<boolean> {
    if (session.revokedAt) return false;
    session.revokedAt = new Date();
    session.revokedReason = reason;
    tx.record({
      action: IdentityEvent.sessionRevoked,
      subject: `user:${session.userId}`,
      data: { actor: audit.actor, outcome: 'success', target: { user_id: session.userId, session_id: session.id }, reason, request_id: audit.request_id },
    });
    tx.send(revocationSubject(this.revocationBucket, session.id), { session_id: session.id, revoked_at: session.revokedAt.toISOString(), reason });
    for (const impersonation of await tx.repos.impersonations.openStartedBy(session.id)) {
      await this.endImpersonationIn(tx, impersonation, audit.actor.user_id, `impersonator_${reason}`, audit);
    }
    return true;
  }

  /** Ends an impersonation in `tx`: recorded as ended, its session revoked everywhere, `impersonation.ended` audited. */
  async endImpersonationIn(tx: Tx, impersonation: ImpersonationSession, endedBy: string | null, reason: string, audit: AuditContext): Promise<Date> {
    const endedAt = await tx.repos.impersonations.end(impersonation.id, endedBy, reason);
    await this.revokeIn(tx, impersonation.id, `impersonation_${reason}`, audit);
    tx.record({
      action: IdentityEvent.impersonationEnded,
      subject: `user:${impersonation.targetId}`,
      data: {
        actor: audit.actor,
        outcome: 'success',
        target: { user_id: impersonation.targetId, impersonator_id: impersonation.impersonatorId, impersonation_session_id: impersonation.id },
        reason,
        changes: { before: { active: true }, after: { active: false, duration_seconds: Math.round((endedAt.getTime() - impersonation.startedAt.getTime()) / 1000) } },
        request_id: audit.request_id,
      },
    });
    return endedAt;
  }

  /** Revocations committed but not yet published to the bucket (the outbox relay sends them as soon as NATS takes them). */
  unpublishedRevocations(): Promise<number> {
    return this.uow.read((repos) => repos.sessions.unpublishedMessages(revocationSubject(this.revocationBucket, '%')));
  }
}
