import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { v7 as uuidv7 } from 'uuid';
import type { AuditContext } from '@portcullis/shared/auth';
import type { Transaction, UnitOfWork } from '@portcullis/shared/db';
import { Conflict, InvalidRequest, NotFound, Unauthorized } from '@portcullis/shared/http';
import { IdentityEvent } from '../events/identity-events.js';
import type { IdentityRepositories, Mfa } from '../repositories/index.js';
import type { KeyCipher } from '@portcullis/shared/auth';

type Tx = Transaction<IdentityRepositories>;

const RECOVERY_CODES = 10;
/** A login's second step must follow within this time. */
const CHALLENGE_TTL_MS = 5 * 60_000;
/** One period either side, for clock drift. */
const EPOCH_TOLERANCE_S = 30;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** 80 random bits as 16 base32 characters, grouped xxxx-xxxx-xxxx-xxxx. */
function newRecoveryCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => alphabet[b % 32]).join('');
  return chars.match(/.{4}/g)!.join('-');
}
const normalizeRecoveryCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
const isTotpCode = (code: string) => /^\d{6}$/.test(code);

/** The RFC 6238 time step a code matched, or undefined when it did not match. */
async function matchedTimeStep(secret: string, code: string): Promise<number | undefined> {
  const result = await verify({ secret, token: code, epochTolerance: EPOCH_TOLERANCE_S });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/**
 * TOTP MFA (RFC 6238) with recovery codes. The secret is encrypted at rest; a code is accepted once only, across
 * instances (the last accepted time step is stored, and moving it forward is a conditional update); recovery codes
 * are single use and stored as SHA-256 (they carry 80 random bits, so a fast hash is enough).
 */
export class MfaService {
  constructor(
    private readonly uow: UnitOfWork<IdentityRepositories>,
    private readonly cipher: KeyCipher,
    private readonly issuerName: string,
  ) {}

  async isEnabled(userId: string): Promise<boolean> {
    return Boolean((await this.uow.read((repos) => repos.mfa.totp(userId)))?.confirmedAt);
  }

  /** A new secret to scan; MFA is on only after `confirm`. 409 if it is on already. */
  async enroll(userId: string, email: string): Promise<{ secret: string; otpauth_uri: string; qr_svg: string }> {
    const secret = generateSecret();
    await this.uow.run(async (tx) => {
      if ((await tx.repos.mfa.totp(userId))?.confirmedAt) throw new Conflict('TOTP is already on; disable it first to enroll again.');
      await tx.repos.mfa.saveUnconfirmed(userId, this.cipher.encrypt(secret));
    });
    const uri = generateURI({ issuer: this.issuerName, label: email, secret });
    return { secret, otpauth_uri: uri, qr_svg: await QRCode.toString(uri, { type: 'svg', margin: 1 }) };
  }

  /** Checks the first code; MFA is then on and the recovery codes are returned, this once. */
  async confirm(userId: string, code: string, audit: AuditContext): Promise<{ recovery_codes: string[] }> {
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await this.uow.run(async (tx) => {
      const repo = tx.repos.mfa;
      const credential = await repo.totp(userId, true);
      if (!credential) throw new NotFound('Start with POST /v1/me/mfa/totp.');
      if (credential.confirmedAt) throw new Conflict('TOTP is already on.');
      const timeStep = isTotpCode(code) ? await matchedTimeStep(this.cipher.decrypt(credential.secretEncrypted), code) : undefined;
      if (timeStep === undefined) throw new InvalidRequest('The code is not correct.', [{ path: 'body.code', message: 'is not correct' }]);
      await repo.confirm(userId, timeStep);
      await repo.replaceRecoveryCodes(userId, codes.map((c) => ({ id: uuidv7(), hash: sha256(normalizeRecoveryCode(c)) })));
      this.record(tx, IdentityEvent.mfaEnrolled, userId, audit);
    });
    return { recovery_codes: codes };
  }

  /** Turns MFA off; needs a current TOTP code (or a recovery code). */
  async disable(userId: string, code: string, audit: AuditContext): Promise<void> {
    await this.uow.run(async (tx) => {
      const repo = tx.repos.mfa;
      const credential = await repo.totp(userId, true);
      if (!credential?.confirmedAt) throw new NotFound('TOTP is not on.');
      if (!(await this.checkCode(repo, userId, credential.secretEncrypted, code))) {
        throw new InvalidRequest('The code is not correct.', [{ path: 'body.code', message: 'is not correct' }]);
      }
      await repo.deleteTotp(userId);
      this.record(tx, IdentityEvent.mfaDisabled, userId, audit);
    });
  }

  /** The first step of a login with MFA succeeded: a single-use token for the second. */
  async challenge(userId: string): Promise<{ mfa_required: true; mfa_token: string; expires_in: number }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
    await this.uow.run((tx) => tx.repos.mfa.createChallenge(uuidv7(), sha256(token), userId, expiresAt), { singleStatement: true });
    return { mfa_required: true, mfa_token: token, expires_in: CHALLENGE_TTL_MS / 1000 };
  }

  /** Whose login an open MFA token belongs to (undefined when it is spent, expired or unknown). */
  async userOfChallenge(mfaToken: string): Promise<string | undefined> {
    return (await this.uow.read((repos) => repos.mfa.peekChallenge(sha256(mfaToken))))?.userId;
  }

  /**
   * The second step: a TOTP code (once only) or an unused recovery code. Returns the user id, or `failed` with the
   * user id when the token was good but the code was not (so the caller can count the failure); 401 for a bad token.
   */
  async redeem(mfaToken: string, code: string): Promise<{ ok: true; userId: string; method: 'totp' | 'recovery_code' } | { ok: false; userId: string }> {
    return this.uow.run(async (tx) => {
      const repo = tx.repos.mfa;
      const challenge = await repo.openChallenge(sha256(mfaToken));
      if (!challenge) throw new Unauthorized('The MFA token is not valid or has expired; sign in again.', 'invalid-credentials');
      const credential = await repo.totp(challenge.userId);
      if (!credential?.confirmedAt) throw new Unauthorized('The MFA token is not valid or has expired; sign in again.', 'invalid-credentials');
      const method = isTotpCode(code) ? 'totp' : 'recovery_code';
      if (!(await this.checkCode(repo, challenge.userId, credential.secretEncrypted, code))) return { ok: false as const, userId: challenge.userId };
      await repo.closeChallenge(challenge.id);
      return { ok: true as const, userId: challenge.userId, method };
    });
  }

  /** Inside the caller's unit of work: a TOTP code is spent (its time step recorded), a recovery code used up. */
  private async checkCode(repo: Mfa, userId: string, secretEncrypted: string, code: string): Promise<boolean> {
    if (isTotpCode(code)) {
      const timeStep = await matchedTimeStep(this.cipher.decrypt(secretEncrypted), code);
      return timeStep !== undefined && (await repo.acceptTimeStep(userId, timeStep));
    }
    const normalized = normalizeRecoveryCode(code);
    return normalized.length === 16 && repo.useRecoveryCode(userId, sha256(normalized));
  }

  private record(tx: Tx, action: string, userId: string, audit: AuditContext): void {
    tx.record({
      action,
      subject: `user:${userId}`,
      data: { actor: audit.actor, outcome: 'success', target: { user_id: userId }, request_id: audit.request_id },
    });
  }
}
