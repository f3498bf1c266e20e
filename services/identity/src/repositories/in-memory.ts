// In-memory identity repositories for unit tests of the business rules (see @portcullis/shared/db/testing).
import { currentRun, InMemoryLocks, InMemoryTable, InMemoryUnitOfWork, type InMemoryPolicy } from '@portcullis/shared/db/testing';
import type { RefreshToken } from '../entities/refresh-token.entity.js';
import type { Session } from '../entities/session.entity.js';
import type { User } from '../entities/user.entity.js';
import type { ImpersonationSession, Impersonations, NewImpersonation } from './impersonation.repository.js';
import type { IdentityRepositories } from './index.js';
import type { Mfa, TotpCredential } from './mfa.repository.js';
import { PLATFORM_DOMAIN, type PlatformRoles } from './platform-role.repository.js';
import type { Sessions } from './session.repository.js';
import type { Throttle } from './throttle.repository.js';
import { normalizeEmail, type UserPageQuery, type Users } from './user.repository.js';

type Run = NonNullable<ReturnType<typeof currentRun>>;

/**
 * Row locks as Postgres takes them: held by a unit of work until it ends, taken again by the same unit of work without
 * waiting (a transaction that locked a row may lock it again), and skippable (`for update skip locked`).
 */
export class IdentityLocks extends InMemoryLocks {
  private readonly holders = new Map<string, { run: Run; released: Promise<void> }>();

  override async acquire(name: string): Promise<void> {
    const run = this.run(name);
    for (;;) {
      const holder = this.holders.get(name);
      if (!holder) break;
      if (holder.run === run) return;
      await holder.released;
    }
    this.take(name, run);
  }

  /** Takes the lock when it is free (or already ours); false when another unit of work holds it. */
  tryAcquire(name: string): boolean {
    const run = this.run(name);
    const holder = this.holders.get(name);
    if (holder) return holder.run === run;
    this.take(name, run);
    return true;
  }

  private run(name: string): Run {
    const run = currentRun();
    if (!run) throw new Error(`lock ${name} taken outside a unit of work`);
    return run;
  }

  private take(name: string, run: Run): void {
    let release!: () => void;
    this.holders.set(name, { run, released: new Promise<void>((resolve) => (release = resolve)) });
    run.releases.push(() => {
      this.holders.delete(name);
      release();
    });
  }
}

const byDesc = <T>(key: (row: T) => Date | string) => (a: T, b: T) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0);
const byAsc = <T>(key: (row: T) => Date | string) => (a: T, b: T) => -byDesc(key)(a, b);

export class InMemoryUsers implements Users {
  readonly table = new InMemoryTable<User>({ key: (u) => u.id, unique: [(u) => `email:${u.email}`] });
  /** What `on delete cascade` removes with a user: the other repositories register here. */
  readonly cascades: ((userId: string) => void)[] = [];

  async findById(id: string) {
    return this.table.get(id);
  }
  async findByEmail(email: string) {
    return this.table.findOne((u) => u.email === normalizeEmail(email));
  }
  async findByIdWithPassword(id: string) {
    return this.findById(id);
  }
  async findByEmailWithPassword(email: string) {
    return this.findByEmail(email);
  }
  create(data: Pick<User, 'id' | 'email' | 'name' | 'passwordHash'>): User {
    const now = new Date();
    return this.table.insert({ ...data, email: normalizeEmail(data.email), status: 'active', createdAt: now, updatedAt: now });
  }
  async page(query: UserPageQuery) {
    const q = query.q?.toLowerCase();
    const rows = this.table
      .find((u) => (!query.status || u.status === query.status) && (!q || u.email.includes(q) || u.name.toLowerCase().includes(q)))
      .sort(byAsc((u) => u.email));
    return { items: rows.slice((query.page - 1) * query.pageSize, query.page * query.pageSize), total: rows.length };
  }
  async delete(id: string) {
    this.table.deleteWhere((u) => u.id === id);
    for (const cascade of this.cascades) cascade(id);
  }
}

/** Reads the platform grants the unit of work's policy holds (tx.policy writes them). */
export class InMemoryPlatformRoles implements PlatformRoles {
  constructor(
    private readonly policy: () => InMemoryPolicy,
    private readonly users: InMemoryUsers,
  ) {}

  async of(userId: string) {
    return this.policy()
      .grantsOf(userId)
      .filter((grant) => grant.domain === PLATFORM_DOMAIN)
      .map((grant) => grant.role);
  }
  async holders(role: string) {
    return this.users.table.find((u) => this.policy().hasGrant({ subject: u.id, role, domain: PLATFORM_DOMAIN })).map((u) => u.id);
  }
}

export class InMemorySessions implements Sessions {
  readonly sessions = new InMemoryTable<Session>({ key: (s) => s.id });
  readonly refreshTokens = new InMemoryTable<RefreshToken>({ key: (t) => t.id, unique: [(t) => `token:${t.tokenHash}`] });

  constructor(private readonly locks: IdentityLocks) {}

  createSession(data: Omit<Session, 'createdAt' | 'revokedAt' | 'revokedReason' | 'lastRefreshedAt'>): Session {
    return this.sessions.insert({ ...data, createdAt: new Date(), lastRefreshedAt: null, revokedAt: null, revokedReason: null });
  }
  createRefreshToken(data: Omit<RefreshToken, 'createdAt' | 'usedAt'>): RefreshToken {
    return this.refreshTokens.insert({ ...data, createdAt: new Date(), usedAt: null });
  }
  async findSession(id: string) {
    return this.sessions.get(id);
  }
  async findSessionForUpdate(id: string) {
    if (!this.sessions.get(id)) return null;
    await this.locks.acquire(`sessions:${id}`);
    return this.sessions.get(id);
  }
  /**
   * A copy, as a plain read in another transaction sees the row: a later write by a concurrent unit of work is not
   * seen through it, so a refresh relies on `markRefreshTokenUsed`, as it does in Postgres.
   */
  async findRefreshTokenByHash(tokenHash: string) {
    const found = this.refreshTokens.findOne((t) => t.tokenHash === tokenHash);
    return found ? { ...found } : null;
  }
  /** The conditional update (`where used_at is null`): atomic, one unit of work wins. */
  async markRefreshTokenUsed(id: string) {
    const token = this.refreshTokens.get(id);
    if (!token || token.usedAt) return false;
    token.usedAt = new Date();
    return true;
  }
  async isSessionActive(id: string, now = new Date()) {
    return this.sessions.count((s) => s.id === id && !s.revokedAt && s.expiresAt > now) > 0;
  }
  async activeOf(userId: string, now = new Date()) {
    return this.sessions.find((s) => s.userId === userId && !s.revokedAt && s.expiresAt > now).sort((a, b) => byDesc<Session>((s) => s.createdAt)(a, b) || byDesc<Session>((s) => s.id)(a, b));
  }
  /** The in-memory unit of work hands every committed message over at once: nothing waits. */
  async unpublishedMessages(_subjectPattern: string) {
    return 0;
  }
  deleteOfUser(userId: string): void {
    const doomed = new Set(this.sessions.find((s) => s.userId === userId).map((s) => s.id));
    this.sessions.deleteWhere((s) => doomed.has(s.id));
    this.refreshTokens.deleteWhere((t) => doomed.has(t.sessionId));
  }
}

interface TotpRow extends TotpCredential {
  createdAt: Date;
}
interface RecoveryCodeRow {
  id: string;
  userId: string;
  codeHash: string;
  usedAt: Date | null;
}
interface ChallengeRow {
  id: string;
  tokenHash: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
}

export class InMemoryMfa implements Mfa {
  readonly totps = new InMemoryTable<TotpRow>({ key: (t) => t.userId });
  readonly recoveryCodes = new InMemoryTable<RecoveryCodeRow>({ key: (c) => c.id });
  readonly challenges = new InMemoryTable<ChallengeRow>({ key: (c) => c.id, unique: [(c) => `token:${c.tokenHash}`] });

  constructor(private readonly locks: IdentityLocks) {}

  async totp(userId: string, forUpdate = false) {
    if (forUpdate && this.totps.get(userId)) await this.locks.acquire(`totp_credentials:${userId}`);
    const row = this.totps.get(userId);
    return row ? { userId: row.userId, secretEncrypted: row.secretEncrypted, confirmedAt: row.confirmedAt, lastTimeStep: row.lastTimeStep } : null;
  }
  async saveUnconfirmed(userId: string, secretEncrypted: string) {
    const existing = this.totps.get(userId);
    if (!existing) {
      this.totps.insert({ userId, secretEncrypted, confirmedAt: null, lastTimeStep: null, createdAt: new Date() });
      return;
    }
    await this.locks.acquire(`totp_credentials:${userId}`);
    Object.assign(existing, { secretEncrypted, confirmedAt: null, lastTimeStep: null, createdAt: new Date() });
  }
  async confirm(userId: string, timeStep: number) {
    const row = this.totps.get(userId);
    if (row) Object.assign(row, { confirmedAt: new Date(), lastTimeStep: timeStep });
  }
  async acceptTimeStep(userId: string, timeStep: number) {
    const row = this.totps.get(userId);
    if (!row || (row.lastTimeStep !== null && row.lastTimeStep >= timeStep)) return false;
    row.lastTimeStep = timeStep;
    return true;
  }
  async deleteTotp(userId: string) {
    this.deleteOfUser(userId, false);
  }
  async replaceRecoveryCodes(userId: string, hashes: { id: string; hash: string }[]) {
    this.recoveryCodes.deleteWhere((c) => c.userId === userId);
    for (const { id, hash } of hashes) this.recoveryCodes.insert({ id, userId, codeHash: hash, usedAt: null });
  }
  async useRecoveryCode(userId: string, hash: string) {
    const code = this.recoveryCodes.findOne((c) => c.userId === userId && c.codeHash === hash && !c.usedAt);
    if (!code) return false;
    code.usedAt = new Date();
    return true;
  }
  async remainingRecoveryCodes(userId: string) {
    return this.recoveryCodes.count((c) => c.userId === userId && !c.usedAt);
  }
  async createChallenge(id: string, tokenHash: string, userId: string, expiresAt: Date) {
    this.challenges.insert({ id, tokenHash, userId, expiresAt, usedAt: null });
  }
  async peekChallenge(tokenHash: string) {
    const open = this.openNow(tokenHash);
    return open ? { userId: open.userId } : null;
  }
  async openChallenge(tokenHash: string) {
    const found = this.openNow(tokenHash);
    if (!found) return null;
    await this.locks.acquire(`mfa_challenges:${found.id}`);
    // As Postgres re-checks a locked row's condition once the lock is ours: another unit of work may have spent it.
    const open = this.openNow(tokenHash);
    return open ? { id: open.id, userId: open.userId } : null;
  }
  async closeChallenge(id: string) {
    const challenge = this.challenges.get(id);
    if (challenge) challenge.usedAt = new Date();
  }
  deleteOfUser(userId: string, challenges = true): void {
    this.totps.deleteWhere((t) => t.userId === userId);
    this.recoveryCodes.deleteWhere((c) => c.userId === userId);
    if (challenges) this.challenges.deleteWhere((c) => c.userId === userId);
  }

  private openNow(tokenHash: string): ChallengeRow | null {
    const now = new Date();
    return this.challenges.findOne((c) => c.tokenHash === tokenHash && !c.usedAt && c.expiresAt > now);
  }
}

interface ThrottleRow {
  key: string;
  failures: number;
  lockedUntil: Date | null;
  updatedAt: Date;
}

/** Each method is one statement in Postgres; the upsert and the delete lock the rows they touch until the unit of work ends. */
export class InMemoryThrottle implements Throttle {
  readonly table = new InMemoryTable<ThrottleRow>({ key: (r) => r.key });

  constructor(private readonly locks: IdentityLocks) {}

  async lockedUntil(keys: string[]) {
    const now = new Date();
    const until = this.table
      .find((r) => keys.includes(r.key) && r.lockedUntil !== null && r.lockedUntil > now)
      .map((r) => r.lockedUntil!.getTime());
    return until.length ? new Date(Math.max(...until)) : null;
  }
  async fail(key: string, windowMs: number) {
    await this.locks.acquire(`login_throttle:${key}`);
    const now = new Date();
    const row = this.table.get(key);
    if (!row) {
      this.table.insert({ key, failures: 1, lockedUntil: null, updatedAt: now });
      return { failures: 1, wasLocked: false };
    }
    row.failures = row.updatedAt.getTime() < now.getTime() - windowMs ? 1 : row.failures + 1;
    row.updatedAt = now;
    return { failures: row.failures, wasLocked: row.lockedUntil !== null };
  }
  async lock(key: string, ms: number) {
    const row = this.table.get(key);
    if (!row) throw new Error(`no throttle row for ${key}`);
    row.lockedUntil = new Date(Date.now() + ms);
    return new Date(row.lockedUntil);
  }
  async reset(keys: string[]) {
    for (const key of [...keys].sort()) await this.locks.acquire(`login_throttle:${key}`);
    const doomed = this.table.find((r) => keys.includes(r.key));
    for (const row of doomed) this.table.delete(row);
    return doomed.filter((r) => r.lockedUntil !== null).map((r) => r.key);
  }
}

interface ImpersonationRow extends NewImpersonation {
  endedAt: Date | null;
  endedBy: string | null;
  endReason: string | null;
}

export class InMemoryImpersonations implements Impersonations {
  /** As the partial unique index: one open impersonation per impersonator. */
  readonly table = new InMemoryTable<ImpersonationRow>({ key: (r) => r.id, unique: [(r) => (r.endedAt === null ? `open:${r.impersonatorId}` : undefined)] });

  constructor(
    private readonly locks: IdentityLocks,
    private readonly users: InMemoryUsers,
  ) {}

  async create(s: NewImpersonation) {
    if (!s.reason.trim()) throw new Error('new row for relation "impersonation_sessions" violates check constraint (reason)');
    this.table.insert({ ...s, endedAt: null, endedBy: null, endReason: null });
  }
  async openStartedBy(impersonatorSessionId: string) {
    return this.lockEach((r) => r.impersonatorSessionId === impersonatorSessionId && r.endedAt === null);
  }
  async expiredOpen(limit: number) {
    const now = new Date();
    const expired = (r: ImpersonationRow) => r.endedAt === null && r.expiresAt <= now;
    const claimed: ImpersonationSession[] = [];
    for (const row of this.table.find(expired).sort(byAsc((r) => r.expiresAt))) {
      if (claimed.length >= limit) break;
      // skip locked: another sweep (or an ending) holds it.
      if (this.locks.tryAcquire(lockName(row.id)) && expired(row)) claimed.push(this.view(row));
    }
    return claimed;
  }
  async lockImpersonator(impersonatorId: string) {
    await this.locks.acquire(`users:${impersonatorId}`);
  }
  async openOf(impersonatorId: string) {
    return (await this.lockEach((r) => r.impersonatorId === impersonatorId && r.endedAt === null))[0] ?? null;
  }
  async find(id: string, forUpdate = false) {
    if (forUpdate && this.table.get(id)) await this.locks.acquire(lockName(id));
    const row = this.table.get(id);
    return row ? this.view(row) : null;
  }
  async end(id: string, endedBy: string | null, reason: string) {
    await this.locks.acquire(lockName(id));
    const row = this.table.get(id);
    if (!row) throw new Error(`no impersonation ${id}`);
    row.endedAt = new Date(Math.min(Date.now(), row.expiresAt.getTime()));
    row.endedBy = endedBy;
    row.endReason = reason;
    return new Date(row.endedAt);
  }
  async list(filter: { active?: boolean; targetId?: string }) {
    const now = new Date();
    const active = (r: ImpersonationRow) => r.endedAt === null && r.expiresAt > now;
    return this.table
      .find((r) => (filter.active === undefined || active(r) === filter.active) && (!filter.targetId || r.targetId === filter.targetId))
      .sort(byDesc((r) => r.startedAt))
      .slice(0, 200)
      .map((r) => this.view(r));
  }
  deleteOfUser(userId: string): void {
    this.table.deleteWhere((r) => r.impersonatorId === userId || r.targetId === userId);
  }

  /** `select … for update`: locks each matching row, then re-checks it (as Postgres does once a waited-for lock is ours). */
  private async lockEach(where: (row: ImpersonationRow) => boolean): Promise<ImpersonationSession[]> {
    const locked: ImpersonationSession[] = [];
    for (const row of this.table.find(where)) {
      await this.locks.acquire(lockName(row.id));
      if (where(row)) locked.push(this.view(row));
    }
    return locked;
  }

  /** What the join with users reads, as a copy: a plain row, not a managed entity. */
  private view(row: ImpersonationRow): ImpersonationSession {
    return {
      id: row.id,
      impersonatorId: row.impersonatorId,
      impersonatorSessionId: row.impersonatorSessionId,
      impersonatorEmail: this.users.table.get(row.impersonatorId)?.email ?? null,
      targetId: row.targetId,
      targetEmail: this.users.table.get(row.targetId)?.email ?? null,
      reason: row.reason,
      startedAt: new Date(row.startedAt),
      expiresAt: new Date(row.expiresAt),
      endedAt: row.endedAt ? new Date(row.endedAt) : null,
      endReason: row.endReason,
    };
  }
}

const lockName = (impersonationId: string) => `impersonation_sessions:${impersonationId}`;

/** The concrete in-memory repositories, for tests that look at rows directly. */
export interface InMemoryIdentityRepositories extends IdentityRepositories {
  users: InMemoryUsers;
  platformRoles: InMemoryPlatformRoles;
  sessions: InMemorySessions;
  mfa: InMemoryMfa;
  throttle: InMemoryThrottle;
  impersonations: InMemoryImpersonations;
}

/** Identity's unit of work over in-memory repositories. */
export function inMemoryIdentity(): InMemoryUnitOfWork<InMemoryIdentityRepositories> {
  const locks = new IdentityLocks();
  const users = new InMemoryUsers();
  const sessions = new InMemorySessions(locks);
  const mfa = new InMemoryMfa(locks);
  const impersonations = new InMemoryImpersonations(locks, users);
  users.cascades.push(
    (id) => sessions.deleteOfUser(id),
    (id) => mfa.deleteOfUser(id),
    (id) => impersonations.deleteOfUser(id),
  );
  const repos: InMemoryIdentityRepositories = {
    users,
    platformRoles: new InMemoryPlatformRoles(() => uow.policy, users),
    sessions,
    mfa,
    throttle: new InMemoryThrottle(locks),
    impersonations,
  };
  const uow = new InMemoryUnitOfWork<InMemoryIdentityRepositories>(repos, locks, 'identity');
  return uow;
}
