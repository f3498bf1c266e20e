import { z } from 'zod';
import { baseConfigSchema, duration, keyEncryptionSecret, loadConfig } from '@portcullis/shared/config';

/** Added to the longest token lifetime when deriving how long revocations are remembered. */
const CLOCK_SKEW_MS = 60_000;

export const identityConfigSchema = baseConfigSchema
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(4001),
    /** The `iss` of every token; also where the JWKS is published. */
    ISSUER: z.url().default('http://127.0.0.1:4001'),
    ACCESS_TOKEN_AUDIENCE: z.string().min(1).default('portcullis'),
    ACCESS_TOKEN_CLIENT_ID: z.string().min(1).default('portcullis'),
    ACCESS_TOKEN_TTL: duration('15m'),
    /** The longest an impersonation may last (its token lives as long, with no refresh). */
    IMPERSONATION_MAX_TTL: duration('30m'),
    /**
     * How long every service remembers a revoked session (the revoked-sessions bucket's TTL). Unset: the longest token
     * lifetime (access token or impersonation) plus a minute of clock skew. Set shorter, identity refuses to start.
     */
    REVOKED_SESSIONS_TTL: duration('0'),
    REFRESH_TOKEN_TTL: duration('30d'),
    SIGNING_KEY_ROTATION: duration('30d'),
    /** Encrypts signing keys and TOTP secrets at rest. Required outside development and tests. */
    KEY_ENCRYPTION_SECRET: keyEncryptionSecret,
    /** Brute-force protection: failures per account (and per user at the MFA step) before a lock. */
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
    /** Failures per source address before a lock. */
    LOGIN_MAX_FAILURES_PER_SOURCE: z.coerce.number().int().min(1).default(20),
    /** The first lock; it doubles with each further failure, up to LOGIN_LOCK_MAX. */
    LOGIN_LOCK_BASE: duration('30s'),
    LOGIN_LOCK_MAX: duration('15m'),
    /** A failure counter idle this long starts from zero. */
    LOGIN_FAILURE_WINDOW: duration('1h'),
    /** The issuer shown in authenticator apps. */
    MFA_ISSUER_NAME: z.string().min(1).max(64).default('Portcullis'),
    BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
    BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  })
  .transform((config, ctx) => {
    const longestToken = Math.max(config.ACCESS_TOKEN_TTL, config.IMPERSONATION_MAX_TTL);
    const revokedSessionsTtl = config.REVOKED_SESSIONS_TTL || longestToken + CLOCK_SKEW_MS;
    if (revokedSessionsTtl < longestToken) {
      ctx.addIssue({
        code: 'custom',
        path: ['REVOKED_SESSIONS_TTL'],
        message: 'must be at least the longest token lifetime (ACCESS_TOKEN_TTL, IMPERSONATION_MAX_TTL), or a revoked session would come back to life',
      });
      return z.NEVER;
    }
    return { ...config, REVOKED_SESSIONS_TTL: revokedSessionsTtl };
  });

export type IdentityConfig = z.infer<typeof identityConfigSchema>;

export function loadIdentityConfig(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  return loadConfig(identityConfigSchema, env);
}
