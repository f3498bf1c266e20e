import { z } from 'zod';

/** Only ever used when NODE_ENV is development or test. */
const DEV_KEY_ENCRYPTION_SECRET = 'dev-only-signing-key-secret-change-me';

/** KEY_ENCRYPTION_SECRET: encrypts signing keys (and other secrets) at rest. Required in production. */
export const keyEncryptionSecret = z.string().min(32, 'must be at least 32 characters').optional();

/** The secret to use, or an issue on `ctx` (and undefined) when production runs without one. */
export function resolveKeyEncryptionSecret(
  config: { NODE_ENV: string; KEY_ENCRYPTION_SECRET?: string },
  ctx: z.core.$RefinementCtx,
): string | undefined {
  if (config.KEY_ENCRYPTION_SECRET) return config.KEY_ENCRYPTION_SECRET;
  if (config.NODE_ENV !== 'production') return DEV_KEY_ENCRYPTION_SECRET;
  ctx.addIssue({ code: 'custom', path: ['KEY_ENCRYPTION_SECRET'], message: 'is required in production' });
  return undefined;
}
