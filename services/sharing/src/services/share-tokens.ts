import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits from the CSPRNG, base64url (43 characters); only its SHA-256 is stored. */
export function newShareToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashShareToken(token) };
}

export function hashShareToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
