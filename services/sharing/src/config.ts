import { z } from 'zod';
import { baseConfigSchema, duration, keyEncryptionSecret, loadConfig } from '@portcullis/shared/config';

const FIFTEEN_MINUTES = 15 * 60_000;

export const sharingConfigSchema = baseConfigSchema
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(4003),
    IDENTITY_JWKS_URL: z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
    TOKEN_ISSUER: z.url().default('http://127.0.0.1:4001'),
    ACCESS_TOKEN_AUDIENCE: z.string().min(1).default('portcullis'),
    /** Where clients reach sharing (through the gateway): a link's `url` is `<PUBLIC_URL>/v1/s/<token>`. */
    PUBLIC_URL: z.url().default('http://127.0.0.1:8080/sharing'),
    /** The `iss` of grant tokens; authz verifies them against this service's JWKS. */
    GRANT_TOKEN_ISSUER: z.url().default('http://127.0.0.1:4003'),
    GRANT_TOKEN_AUDIENCE: z.string().min(1).default('portcullis'),
    /** A grant token's lifetime (at most 15 minutes, and never past the link's expiry). */
    GRANT_TOKEN_TTL: duration('5m'),
    SIGNING_KEY_ROTATION: duration('30d'),
    KEY_ENCRYPTION_SECRET: keyEncryptionSecret,
    /** The furthest a link's expiry may lie in the future. */
    SHARE_MAX_LIFETIME: duration('365d'),
    /** Resolve attempts allowed per source address per RESOLVE_RATE_WINDOW (per instance). */
    RESOLVE_RATE_LIMIT: z.coerce.number().int().min(1).default(120),
    RESOLVE_RATE_WINDOW: duration('1m'),
    /** The durable consumer of tenancy's tenant events (links stop when their tenant is disabled or deleted). */
    TENANT_EVENTS_CONSUMER: z.string().regex(/^[A-Za-z0-9_-]+$/).default('sharing-tenant-events'),
  })
  .transform((config, ctx) => {
    if (config.GRANT_TOKEN_TTL > FIFTEEN_MINUTES) {
      ctx.addIssue({ code: 'custom', path: ['GRANT_TOKEN_TTL'], message: 'must be at most 15m' });
      return z.NEVER;
    }
    return config;
  });

export type SharingConfig = z.infer<typeof sharingConfigSchema>;

export function loadSharingConfig(env: NodeJS.ProcessEnv = process.env): SharingConfig {
  return loadConfig(sharingConfigSchema, env);
}
