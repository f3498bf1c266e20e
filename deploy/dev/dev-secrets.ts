import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * make dev's KEY_ENCRYPTION_SECRET: made once (random, owner-only) and kept in `file`, so signing keys and TOTP secrets
 * stored by one run can be read by the next. The services themselves never fall back to a built-in secret.
 */
export function devKeyEncryptionSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
