import { z } from 'zod';

/**
 * KEY_ENCRYPTION_SECRET: encrypts signing keys (and TOTP secrets) at rest. Always required: a built-in fallback would
 * protect nothing. `make dev` makes one in .dev/ and the tests set their own.
 */
export const keyEncryptionSecret = z.string({ error: 'is required (32+ characters; make dev and the tests set their own)' }).min(32, 'must be at least 32 characters');
