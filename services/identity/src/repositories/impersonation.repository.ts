import type { EntityManager } from '@mikro-orm/postgresql';

export interface ImpersonationSession {
  id: string;
  impersonatorId: string;
  /** The impersonator's own session that started it (null for those started before this was recorded). */
  impersonatorSessionId: string | null;
  impersonatorEmail: string | null;
  targetId: string;
  targetEmail: string | null;
  reason: string;
  startedAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endReason: string | null;
}

interface Row {
  id: string;
  impersonator_id: string;
  impersonator_session_id: string | null;
  impersonator_email: string | null;
  target_id: string;
  target_email: string | null;
  reason: string;
  started_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
}

const SELECT = `select s.id, s.impersonator_id, s.impersonator_session_id, i.email as impersonator_email, s.target_id, t.email as target_email, s.reason,
  s.started_at, s.expires_at, s.ended_at, s.end_reason
  from impersonation_sessions s left join users i on i.id = s.impersonator_id left join users t on t.id = s.target_id`;

const fromRow = (r: Row): ImpersonationSession => ({
  id: r.id,
  impersonatorId: r.impersonator_id,
  impersonatorSessionId: r.impersonator_session_id,
  impersonatorEmail: r.impersonator_email,
  targetId: r.target_id,
  targetEmail: r.target_email,
  reason: r.reason,
  startedAt: new Date(r.started_at),
  expiresAt: new Date(r.expires_at),
  endedAt: r.ended_at ? new Date(r.ended_at) : null,
  endReason: r.end_reason,
});

export interface NewImpersonation {
  id: string;
  impersonatorId: string;
  impersonatorSessionId: string;
  targetId: string;
  reason: string;
  startedAt: Date;
  expiresAt: Date;
}

/** Impersonation sessions (an impersonation's id is also the id of its session). Returned rows are plain reads. */
export interface Impersonations {
  create(s: NewImpersonation): Promise<void>;
  /** The open ones a session of the impersonator started, locked. */
  openStartedBy(impersonatorSessionId: string): Promise<ImpersonationSession[]>;
  /** Open ones past their expiry (not yet recorded as ended), oldest first, locked; rows another unit of work holds are skipped. */
  expiredOpen(limit: number): Promise<ImpersonationSession[]>;
  /** Serializes one impersonator's starts until the unit of work ends (locks the impersonator's user row). */
  lockImpersonator(impersonatorId: string): Promise<void>;
  /** The impersonator's open one (not ended; it may have expired), locked. */
  openOf(impersonatorId: string): Promise<ImpersonationSession | null>;
  find(id: string, forUpdate?: boolean): Promise<ImpersonationSession | null>;
  /** Marks it ended (at its expiry if that came first); `endedBy` is null when nobody did (it expired). */
  end(id: string, endedBy: string | null, reason: string): Promise<Date>;
  /** Newest first, at most 200. `active`: neither ended nor expired. */
  list(filter: { active?: boolean; targetId?: string }): Promise<ImpersonationSession[]>;
}

export class ImpersonationRepository implements Impersonations {
  constructor(private readonly em: EntityManager) {}

  async create(s: NewImpersonation): Promise<void> {
    await this.em.execute(
      'insert into impersonation_sessions (id, impersonator_id, impersonator_session_id, target_id, reason, started_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)',
      [s.id, s.impersonatorId, s.impersonatorSessionId, s.targetId, s.reason, s.startedAt, s.expiresAt],
    );
  }

  async openStartedBy(impersonatorSessionId: string): Promise<ImpersonationSession[]> {
    const rows = await this.em.execute<Row[]>(`${SELECT} where s.impersonator_session_id = ? and s.ended_at is null for update of s`, [impersonatorSessionId]);
    return rows.map(fromRow);
  }

  async expiredOpen(limit: number): Promise<ImpersonationSession[]> {
    const rows = await this.em.execute<Row[]>(
      `${SELECT} where s.ended_at is null and s.expires_at <= now() order by s.expires_at limit ? for update of s skip locked`,
      [limit],
    );
    return rows.map(fromRow);
  }

  /**
   * Serializes one impersonator's starts until commit. Locking the open session is not enough: when it is ended and
   * replaced by a concurrent start, the other start no longer sees any open one and would insert a second (a 500 from
   * the one-open-session index).
   */
  async lockImpersonator(impersonatorId: string): Promise<void> {
    await this.em.execute('select 1 from users where id = ? for no key update', [impersonatorId]);
  }

  async openOf(impersonatorId: string): Promise<ImpersonationSession | null> {
    const rows = await this.em.execute<Row[]>(`${SELECT} where s.impersonator_id = ? and s.ended_at is null for update of s`, [impersonatorId]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async find(id: string, forUpdate = false): Promise<ImpersonationSession | null> {
    const rows = await this.em.execute<Row[]>(`${SELECT} where s.id = ?${forUpdate ? ' for update of s' : ''}`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async end(id: string, endedBy: string | null, reason: string): Promise<Date> {
    const [row] = await this.em.execute<{ ended_at: Date }[]>(
      'update impersonation_sessions set ended_at = least(now(), expires_at), ended_by = ?, end_reason = ? where id = ? returning ended_at',
      [endedBy, reason, id],
    );
    return new Date(row.ended_at);
  }

  async list(filter: { active?: boolean; targetId?: string }): Promise<ImpersonationSession[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.active === true) where.push('s.ended_at is null and s.expires_at > now()');
    if (filter.active === false) where.push('(s.ended_at is not null or s.expires_at <= now())');
    if (filter.targetId) {
      where.push('s.target_id = ?');
      params.push(filter.targetId);
    }
    const rows = await this.em.execute<Row[]>(`${SELECT} ${where.length ? `where ${where.join(' and ')}` : ''} order by s.started_at desc limit 200`, params);
    return rows.map(fromRow);
  }
}
