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
  /** Loopback by default: only what runs on this host (the gateway in dev) reaches a service. Containers set 0.0.0.0. */
  HOST: z.string().default('127.0.0.1'),
  /**
   * How many proxies in front of this service append to X-Forwarded-For (the gateway: 1). The client's address is the
   * entry that many hops from the right; with 0 the header is ignored and the peer's address is the client's.
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(1),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/portcullis'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** This service's NATS NKey seed (or a file holding it, or a .creds file): NATS users are per service. */
  NATS_NKEY_SEED: z.string().regex(/^SU[A-Z2-7]{56}$/, 'must be a NATS user NKey seed (SU…)').optional(),
  NATS_NKEY_SEED_FILE: z.string().optional(),
  NATS_CREDS_FILE: z.string().optional(),
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
  /** JetStream KV bucket of revoked session ids, written by identity and watched by every service. */
  REVOKED_SESSIONS_BUCKET: z.string().regex(/^[A-Za-z0-9_-]+$/).default('revoked_sessions'),
  /** After NATS has been unreachable this long, tokens are refused (503): a revocation may have been missed. */
  REVOCATIONS_MAX_OUTAGE: duration('5s'),
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
  const problems = productionProblems(result.data as Partial<BaseConfig>);
  if (problems.length) throw new ConfigError(problems);
  return result.data;
}

/** Production never talks to an anonymous NATS: a service's own credentials are required. */
function productionProblems(config: Partial<BaseConfig>): string[] {
  if (config.NODE_ENV !== 'production' || !('NATS_URL' in config)) return [];
  const credentials = config.NATS_NKEY_SEED ?? config.NATS_NKEY_SEED_FILE ?? config.NATS_CREDS_FILE;
  return credentials ? [] : ['NATS_NKEY_SEED: is required in production (or NATS_NKEY_SEED_FILE, or NATS_CREDS_FILE): NATS users are per service'];
}
