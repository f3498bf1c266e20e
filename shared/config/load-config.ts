import { z } from 'zod';
import { duration } from './duration.js';

/** Raised at start when the environment is wrong; the message names every offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Settings every service shares. Services extend this with their own. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: logLevel.default('info'),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/portcullis'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** Prepended to every NATS subject this process uses; lets test runs share one server without meeting. */
  NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9_-]+\.)?$/, 'must be empty or a single token followed by a dot, e.g. "t1234."')
    .default(''),
  AUDIT_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/).default('AUDIT'),
  /** JetStream replicas for the streams and buckets this creates (the audit stream, revoked sessions): 3 on a cluster. */
  NATS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** How often each instance compares its policy version with Postgres (heals a missed change message). */
  POLICY_RECONCILE_INTERVAL: duration('5s'),
  /** After NATS has been unreachable this long, authorization fails closed with 503. */
  POLICY_MAX_NATS_OUTAGE: duration('30s'),
  /** JetStream KV bucket of revoked session ids, watched by every service. */
  REVOKED_SESSIONS_BUCKET: z.string().regex(/^[A-Za-z0-9_-]+$/).default('revoked_sessions'),
  /** How long a revocation is kept: at least the access-token lifetime (identity checks). */
  REVOKED_SESSIONS_TTL: duration('16m'),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

/** Parses `env` with `schema`; throws a ConfigError naming each bad variable instead of starting half-configured. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return result.data;
}
