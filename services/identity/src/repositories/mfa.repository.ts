import type { EntityManager } from '@mikro-orm/postgresql';

export interface TotpCredential {
  userId: string;
  secretEncrypted: string;
  confirmedAt: Date | null;
  lastTimeStep: number | null;
}

interface TotpRow {
  user_id: string;
  secret_encrypted: string;
  confirmed_at: Date | null;
  last_time_step: string | null;
}

/** TOTP credentials, recovery codes and MFA login challenges. */
export interface Mfa {
  /** The user's credential; `forUpdate` locks it until the unit of work ends. */
  totp(userId: string, forUpdate?: boolean): Promise<TotpCredential | null>;
  /** Starts (or restarts) an unconfirmed enrollment. */
  saveUnconfirmed(userId: string, secretEncrypted: string): Promise<void>;
  confirm(userId: string, timeStep: number): Promise<void>;
  /** Records an accepted time step unless this or a later one was accepted already (by any instance): false = replay. */
  acceptTimeStep(userId: string, timeStep: number): Promise<boolean>;
  /** Removes the credential and the recovery codes. */
  deleteTotp(userId: string): Promise<void>;
  replaceRecoveryCodes(userId: string, hashes: { id: string; hash: string }[]): Promise<void>;
  /** Spends an unused recovery code; false when there is none with this hash. */
  useRecoveryCode(userId: string, hash: string): Promise<boolean>;
  remainingRecoveryCodes(userId: string): Promise<number>;
  createChallenge(id: string, tokenHash: string, userId: string, expiresAt: Date): Promise<void>;
  /** The user of an unused, unexpired challenge. */
  peekChallenge(tokenHash: string): Promise<{ userId: string } | null>;
  /** The unused, unexpired challenge with this token hash, locked. */
  openChallenge(tokenHash: string): Promise<{ id: string; userId: string } | null>;
  closeChallenge(id: string): Promise<void>;
}

export class MfaRepository implements Mfa {
  constructor(private readonly em: EntityManager) {}

  async totp(userId: string, forUpdate = false): Promise<TotpCredential | null> {
    const [row] = await this.em.execute<TotpRow[]>(
      `select user_id, secret_encrypted, confirmed_at, last_time_step::text from totp_credentials where user_id = ?${forUpdate ? ' for update' : ''}`,
      [userId],
    );
    return row
      ? { userId: row.user_id, secretEncrypted: row.secret_encrypted, confirmedAt: row.confirmed_at, lastTimeStep: row.last_time_step === null ? null : Number(row.last_time_step) }
      : null;
  }

  async saveUnconfirmed(userId: string, secretEncrypted: string): Promise<void> {
    await this.em.execute(
      `insert into totp_credentials (user_id, secret_encrypted) values (?, ?)
       on conflict (user_id) do update set secret_encrypted = excluded.secret_encrypted, confirmed_at = null, last_time_step = null, created_at = now()`,
      [userId, secretEncrypted],
    );
  }

  async confirm(userId: string, timeStep: number): Promise<void> {
    await this.em.execute('update totp_credentials set confirmed_at = now(), last_time_step = ? where user_id = ?', [timeStep, userId]);
  }

  async acceptTimeStep(userId: string, timeStep: number): Promise<boolean> {
    const rows = await this.em.execute<{ user_id: string }[]>(
      'update totp_credentials set last_time_step = ? where user_id = ? and (last_time_step is null or last_time_step < ?) returning user_id',
      [timeStep, userId, timeStep],
    );
    return rows.length === 1;
  }

  async deleteTotp(userId: string): Promise<void> {
    await this.em.execute('delete from totp_credentials where user_id = ?', [userId]);
    await this.em.execute('delete from recovery_codes where user_id = ?', [userId]);
  }

  async replaceRecoveryCodes(userId: string, hashes: { id: string; hash: string }[]): Promise<void> {
    await this.em.execute('delete from recovery_codes where user_id = ?', [userId]);
    for (const { id, hash } of hashes) {
      await this.em.execute('insert into recovery_codes (id, user_id, code_hash) values (?, ?, ?)', [id, userId, hash]);
    }
  }

  async useRecoveryCode(userId: string, hash: string): Promise<boolean> {
    const rows = await this.em.execute<{ id: string }[]>(
      'update recovery_codes set used_at = now() where user_id = ? and code_hash = ? and used_at is null returning id',
      [userId, hash],
    );
    return rows.length === 1;
  }

  async remainingRecoveryCodes(userId: string): Promise<number> {
    const [{ count }] = await this.em.execute<{ count: string }[]>('select count(*)::text as count from recovery_codes where user_id = ? and used_at is null', [userId]);
    return Number(count);
  }

  async createChallenge(id: string, tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
    await this.em.execute('insert into mfa_challenges (id, token_hash, user_id, expires_at) values (?, ?, ?, ?)', [id, tokenHash, userId, expiresAt]);
  }

  async peekChallenge(tokenHash: string): Promise<{ userId: string } | null> {
    const [row] = await this.em.execute<{ user_id: string }[]>('select user_id from mfa_challenges where token_hash = ? and used_at is null and expires_at > now()', [tokenHash]);
    return row ? { userId: row.user_id } : null;
  }

  async openChallenge(tokenHash: string): Promise<{ id: string; userId: string } | null> {
    const [row] = await this.em.execute<{ id: string; user_id: string }[]>(
      'select id, user_id from mfa_challenges where token_hash = ? and used_at is null and expires_at > now() for update',
      [tokenHash],
    );
    return row ? { id: row.id, userId: row.user_id } : null;
  }

  async closeChallenge(id: string): Promise<void> {
    await this.em.execute('update mfa_challenges set used_at = now() where id = ?', [id]);
  }
}
