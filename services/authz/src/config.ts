import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '@portcullis/shared/config';

export const authzConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4005),
  IDENTITY_JWKS_URL: z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
  TOKEN_ISSUER: z.url().default('http://127.0.0.1:4001'),
  ACCESS_TOKEN_AUDIENCE: z.string().min(1).default('portcullis'),
  /** Sharing's grant tokens: used as the bearer, the caller is the link (`share:<id>`). */
  SHARING_JWKS_URL: z.url().default('http://127.0.0.1:4003/.well-known/jwks.json'),
  GRANT_TOKEN_ISSUER: z.url().default('http://127.0.0.1:4003'),
  GRANT_TOKEN_AUDIENCE: z.string().min(1).default('portcullis'),
  /**
   * The gateway whose forward-auth requests this answers: it says which headers carry the original call (nginx:
   * x-original-*; traefik, envoy: x-forwarded-method/-uri). The other pair is never read.
   */
  GATEWAY: z.enum(['nginx', 'traefik', 'envoy']).default('nginx'),
});

export type AuthzConfig = z.infer<typeof authzConfigSchema>;

export function loadAuthzConfig(env: NodeJS.ProcessEnv = process.env): AuthzConfig {
  return loadConfig(authzConfigSchema, env);
}
