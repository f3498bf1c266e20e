import { z } from 'zod';
import { baseConfigSchema, duration, loadConfig } from '@portcullis/shared/config';

export const auditConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4004),
  /** Where identity publishes its signing keys; tokens are verified locally against them. */
  IDENTITY_JWKS_URL: z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
  TOKEN_ISSUER: z.url().default('http://127.0.0.1:4001'),
  ACCESS_TOKEN_AUDIENCE: z.string().min(1).default('portcullis'),
  AUDIT_CONSUMER: z.string().regex(/^[A-Za-z0-9_-]+$/).default('audit-store'),
  /** Events stored longer ago than this are deleted (oldest first, in batches); 0 keeps them for ever. */
  AUDIT_RETENTION: duration('0'),
  /** How often retention looks for events past the period. */
  AUDIT_RETENTION_INTERVAL: duration('1h'),
});

export type AuditConfig = z.infer<typeof auditConfigSchema>;

export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  return loadConfig(auditConfigSchema, env);
}
