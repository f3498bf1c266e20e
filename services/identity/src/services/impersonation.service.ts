import type { Impersonation } from '@portcullis/shared/contracts';
import { v7 as uuidv7 } from 'uuid';
import type { AuditContext, Principal } from '@portcullis/shared/auth';
import type { Transaction, UnitOfWork } from '@portcullis/shared/db';
import { Conflict, Forbidden, InvalidRequest, NotFound } from '@portcullis/shared/http';
import { IdentityEvent } from '../events/identity-events.js';
import type { IdentityRepositories, ImpersonationSession } from '../repositories/index.js';
import type { SessionService } from './session.service.js';
import type { TokenService } from './token.service.js';

/** Impersonation needs a second factor used this recently. */
const STEP_UP_WINDOW_S = 15 * 60;
const MAX_MINUTES = 30;
const DEFAULT_MINUTES = 15;

export function toPublicImpersonation(s: ImpersonationSession, now = new Date()): Impersonation {
  const end = s.endedAt ?? (s.expiresAt <= now ? s.expiresAt : null);
  return {
    id: s.id,
    impersonator: { id: s.impersonatorId, email: s.impersonatorEmail },
    target: { id: s.targetId, email: s.targetEmail },
    reason: s.reason,
    started_at: s.startedAt.toISOString(),
    expires_at: s.expiresAt.toISOString(),
    ended_at: end?.toISOString() ?? null,
    end_reason: s.endReason ?? (end ? 'expired' : null),
    active: end === null,
    duration_seconds: Math.round(((end ?? now).getTime() - s.startedAt.getTime()) / 1000),
  };
}

/**
 * Impersonation (RFC 8693 `act`): a platform admin with a recent second factor acts as another user for at most
 * 30 minutes (IMPERSONATION_MAX_TTL), with a reason. The token's `sid` is a session of its own, so ending it (by either
 * token) is a session revocation every service honours within a second. It is bounded by its impersonator: it ends
 * with the impersonator's session that started it (sign-out, revocation, disabling), when the impersonator loses
 * platform_admin, and — recorded by a sweep — when it expires.
 */
export class ImpersonationService {
  private readonly maxMinutes: number;

  constructor(
    private readonly uow: UnitOfWork<IdentityRepositories>,
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
    maxTtlMs = MAX_MINUTES * 60_000,
  ) {
    this.maxMinutes = Math.max(1, Math.floor(maxTtlMs / 60_000));
  }

  async start(principal: Principal, input: { target_user_id: string; reason: string; duration_minutes?: number }, audit: AuditContext, client: { ip?: string; user_agent?: string }) {
    if (principal.impersonator_id) throw new Forbidden('An impersonation token cannot start another impersonation.', 'impersonation-forbidden');
    const recent = principal.auth_time !== undefined && Date.now() / 1000 - principal.auth_time <= STEP_UP_WINDOW_S;
    if (!principal.amr.includes('otp') || !recent) {
      throw new Forbidden('Impersonation needs a sign-in with a second factor (TOTP) within the last 15 minutes.', 'step-up-required');
    }
    if (input.target_user_id === principal.user_id) throw new InvalidRequest('You cannot impersonate yourself.', [{ path: 'body.target_user_id', message: 'is you' }]);
    const minutes = Math.min(input.duration_minutes ?? DEFAULT_MINUTES, this.maxMinutes);
    const id = uuidv7();
    const startedAt = new Date();
    const expiresAt = new Date(startedAt.getTime() + minutes * 60_000);
    const target = await this.uow.run(async (tx) => {
      const repo = tx.repos.impersonations;
      await repo.lockImpersonator(principal.user_id);
      const user = await tx.repos.users.findById(input.target_user_id);
      if (!user) throw new NotFound('No such user.');
      if (user.status !== 'active') throw new Conflict('The user is disabled.');
      if ((await tx.repos.platformRoles.of(user.id)).includes('platform_admin')) throw new Forbidden('Platform admins cannot be impersonated.');
      const open = await repo.openOf(principal.user_id);
      if (open) await this.sessions.endImpersonationIn(tx, open, principal.user_id, 'replaced', audit);
      tx.repos.sessions.createSession({ id, userId: user.id, amr: principal.amr, authTime: startedAt, expiresAt, ip: client.ip ?? null, userAgent: client.user_agent ?? null });
      await tx.flush();
      await repo.create({ id, impersonatorId: principal.user_id, impersonatorSessionId: principal.session_id, targetId: user.id, reason: input.reason, startedAt, expiresAt });
      tx.record({
        action: IdentityEvent.impersonationStarted,
        subject: `user:${user.id}`,
        data: {
          actor: audit.actor,
          outcome: 'success',
          target: { user_id: user.id, email: user.email, impersonation_session_id: id, expires_at: expiresAt.toISOString() },
          reason: input.reason,
          request_id: audit.request_id,
        },
      });
      return user;
    });
    const accessToken = await this.tokens.issueAccessToken(
      { userId: target.id, sessionId: id, amr: principal.amr, authTime: startedAt, impersonatorId: principal.user_id },
      minutes * 60,
    );
    return { session_id: id, access_token: accessToken, token_type: 'Bearer' as const, expires_at: expiresAt.toISOString(), target_user: { id: target.id, email: target.email, name: target.name } };
  }

  /** Ends the impersonation of this token (an impersonation token), or the caller's open one (their own token). */
  async end(principal: Principal, audit: AuditContext, reason = 'ended'): Promise<{ session_id: string; duration_seconds: number }> {
    return this.uow.run(async (tx) => {
      const repo = tx.repos.impersonations;
      const session = principal.impersonator_id ? await repo.find(principal.session_id, true) : await repo.openOf(principal.user_id);
      if (!session || session.endedAt) throw new NotFound('No open impersonation.');
      const endedAt = await this.sessions.endImpersonationIn(tx, session, principal.impersonator_id ?? principal.user_id, reason, audit);
      return { session_id: session.id, duration_seconds: Math.round((endedAt.getTime() - session.startedAt.getTime()) / 1000) };
    });
  }

  /** Inside the caller's unit of work: ends the impersonator's open impersonation, if any (they lost the right). */
  async endAllByIn(tx: Transaction<IdentityRepositories>, impersonatorId: string, reason: string, audit: AuditContext): Promise<void> {
    const open = await tx.repos.impersonations.openOf(impersonatorId);
    if (open) await this.sessions.endImpersonationIn(tx, open, audit.actor.user_id, reason, audit);
  }

  /**
   * Records the end of impersonations that ran out (`impersonation.ended`, reason `expired`); their tokens have
   * expired with them. Instances share the work (rows are claimed with SKIP LOCKED). Returns how many it ended.
   */
  async endExpired(limit = 100): Promise<number> {
    return this.uow.run(async (tx) => {
      const repo = tx.repos.impersonations;
      const expired = await repo.expiredOpen(limit);
      for (const impersonation of expired) {
        const endedAt = await repo.end(impersonation.id, null, 'expired');
        tx.record({
          action: IdentityEvent.impersonationEnded,
          subject: `user:${impersonation.targetId}`,
          data: {
            actor: { user_id: null },
            outcome: 'success',
            target: { user_id: impersonation.targetId, impersonator_id: impersonation.impersonatorId, impersonation_session_id: impersonation.id },
            reason: 'expired',
            changes: { before: { active: true }, after: { active: false, duration_seconds: Math.round((endedAt.getTime() - impersonation.startedAt.getTime()) / 1000) } },
            request_id: `expiry-${impersonation.id}`,
          },
        });
      }
      return expired.length;
    });
  }

  list(filter: { active?: boolean; targetId?: string }): Promise<ImpersonationSession[]> {
    return this.uow.read((repos) => repos.impersonations.list(filter));
  }

  async get(id: string): Promise<ImpersonationSession> {
    const session = await this.uow.read((repos) => repos.impersonations.find(id));
    if (!session) throw new NotFound('No such impersonation session.');
    return session;
  }
}
