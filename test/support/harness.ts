import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { NatsUser } from '../../deploy/nats/permissions.js';
import { createLogger, listen, type RunningServer } from '@portcullis/shared/http';
import { createRuntime, type ServiceRuntime } from '@portcullis/shared/runtime';
import { buildAuditApp, type AuditApp } from '../../services/audit/src/app.js';
import { loadAuditConfig, type AuditConfig } from '../../services/audit/src/config.js';
import { auditRuntimeOptions } from '../../services/audit/src/runtime.js';
import { buildAuthzApp, type AuthzApp } from '../../services/authz/src/app.js';
import { loadAuthzConfig } from '../../services/authz/src/config.js';
import { authzRuntimeOptions } from '../../services/authz/src/runtime.js';
import { buildIdentityApp, type IdentityApp } from '../../services/identity/src/app.js';
import { loadIdentityConfig, type IdentityConfig } from '../../services/identity/src/config.js';
import { identityRuntimeOptions } from '../../services/identity/src/runtime.js';
import { buildSharingApp, type SharingApp } from '../../services/sharing/src/app.js';
import { loadSharingConfig, type SharingConfig } from '../../services/sharing/src/config.js';
import { sharingRuntimeOptions } from '../../services/sharing/src/runtime.js';
import { buildTenancyApp, type TenancyApp } from '../../services/tenancy/src/app.js';
import { loadTenancyConfig, type TenancyConfig } from '../../services/tenancy/src/config.js';
import { tenancyRuntimeOptions } from '../../services/tenancy/src/runtime.js';
import { natsEnv } from './test-nats.js';

export const TEST_ISSUER = 'http://identity.portcullis.test';

/**
 * The env a service under test gets: this run's database, NATS (signed in as `user`: the service's own NATS user),
 * subject prefix and audit stream.
 */
export function testEnv(overrides: Record<string, string> = {}, user: NatsUser = 'operator'): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: inject('databaseUrl'),
    ...natsEnv(user),
    NATS_SUBJECT_PREFIX: inject('natsPrefix'),
    AUDIT_STREAM: inject('auditStream'),
    REVOKED_SESSIONS_BUCKET: inject('revokedSessionsBucket'),
    // Every test signs in from loopback: a per-source lock would let one test's failures refuse another's logins.
    LOGIN_MAX_FAILURES_PER_SOURCE: '100000',
    KEY_ENCRYPTION_SECRET: 'test-secret-that-is-long-enough-for-hkdf-0123456789',
    ...overrides,
  };
}

export interface RunningIdentity extends IdentityApp {
  config: IdentityConfig;
  runtime: ServiceRuntime;
  server: RunningServer;
  url: string;
  close: () => Promise<void>;
}

/** A real identity service on a free port, against the run's Postgres and NATS. */
export async function startIdentity(overrides: Record<string, string> = {}): Promise<RunningIdentity> {
  // The issuer is a name, not where the service listens; tests use a fixed one.
  const config = loadIdentityConfig(testEnv({ ISSUER: TEST_ISSUER, ...overrides }, 'identity'));
  const logger = createLogger('identity', config.LOG_LEVEL);
  const runtime = await createRuntime(identityRuntimeOptions(config, logger, { relayPollIntervalMs: 200 }));
  const identity = buildIdentityApp(config, runtime, logger);
  const server = await listen(identity.app, 0);
  runtime.relay.start();
  return {
    ...identity,
    config,
    runtime,
    server,
    url: server.url,
    close: async () => {
      identity.stop();
      await server.close();
      await runtime.close();
    },
  };
}

export interface RunningAudit extends AuditApp {
  config: AuditConfig;
  runtime: ServiceRuntime;
  server: RunningServer;
  url: string;
  close: () => Promise<void>;
}

let auditInstances = 0;

/**
 * A real audit service consuming the run's stream, trusting the given identity. Each has its own durable consumer
 * (from the stream's start): test files run in parallel, and a shared one would split their events between them.
 */
export async function startAudit(identity: { url: string; config: { ISSUER: string } }, overrides: Record<string, string> = {}): Promise<RunningAudit> {
  auditInstances += 1;
  const config = loadAuditConfig(
    testEnv({
      IDENTITY_JWKS_URL: `${identity.url}/.well-known/jwks.json`,
      TOKEN_ISSUER: identity.config.ISSUER,
      AUDIT_CONSUMER: `audit_${process.pid}_${auditInstances}`,
      ...overrides,
    }, 'audit'),
  );
  const logger = createLogger('audit', config.LOG_LEVEL);
  const runtime = await createRuntime(auditRuntimeOptions(config, logger));
  const audit = buildAuditApp(config, runtime, logger);
  await audit.consumer.start();
  const server = await listen(audit.app, 0);
  return {
    ...audit,
    config,
    runtime,
    server,
    url: server.url,
    close: async () => {
      await server.close();
      await audit.consumer.stop();
      await runtime.close();
    },
  };
}

export interface RunningAuthz extends AuthzApp {
  runtime: ServiceRuntime;
  server: RunningServer;
  url: string;
  close: () => Promise<void>;
}

/** A real authz service trusting the given identity. */
export async function startAuthz(identity: { url: string; config: { ISSUER: string } }, overrides: Record<string, string> = {}): Promise<RunningAuthz> {
  const config = loadAuthzConfig(
    testEnv({ IDENTITY_JWKS_URL: `${identity.url}/.well-known/jwks.json`, TOKEN_ISSUER: identity.config.ISSUER, ...overrides }, 'authz'),
  );
  const logger = createLogger('authz', config.LOG_LEVEL);
  const runtime = await createRuntime(authzRuntimeOptions(config, logger));
  const authz = buildAuthzApp(config, runtime, logger);
  const server = await listen(authz.app, 0);
  return {
    ...authz,
    runtime,
    server,
    url: server.url,
    close: async () => {
      await server.close();
      await runtime.close();
    },
  };
}

export interface RunningTenancy extends TenancyApp {
  config: TenancyConfig;
  runtime: ServiceRuntime;
  server: RunningServer;
  url: string;
  close: () => Promise<void>;
}

/** A real tenancy service trusting the given identity; invitation mail goes to `MAIL_OUTBOX_DIR` (give a temp dir). */
export async function startTenancy(identity: { url: string; config: { ISSUER: string } }, overrides: Record<string, string> = {}): Promise<RunningTenancy> {
  const config = loadTenancyConfig(
    testEnv({ IDENTITY_JWKS_URL: `${identity.url}/.well-known/jwks.json`, TOKEN_ISSUER: identity.config.ISSUER, ...overrides }, 'tenancy'),
  );
  const logger = createLogger('tenancy', config.LOG_LEVEL);
  const runtime = await createRuntime(tenancyRuntimeOptions(config, logger, { relayPollIntervalMs: 200 }));
  const tenancy = buildTenancyApp(config, runtime, logger);
  const server = await listen(tenancy.app, 0);
  runtime.relay.start();
  return {
    ...tenancy,
    config,
    runtime,
    server,
    url: server.url,
    close: async () => {
      tenancy.stop();
      await server.close();
      await runtime.close();
    },
  };
}

export interface RunningSharing extends SharingApp {
  config: SharingConfig;
  runtime: ServiceRuntime;
  server: RunningServer;
  url: string;
  close: () => Promise<void>;
}

let sharingInstances = 0;

/** A real sharing service trusting the given identity, following tenant events with its own durable consumer. */
export async function startSharing(identity: { url: string; config: { ISSUER: string } }, overrides: Record<string, string> = {}): Promise<RunningSharing> {
  sharingInstances += 1;
  const config = loadSharingConfig(
    testEnv({
      IDENTITY_JWKS_URL: `${identity.url}/.well-known/jwks.json`,
      TOKEN_ISSUER: identity.config.ISSUER,
      GRANT_TOKEN_ISSUER: 'http://sharing.portcullis.test',
      TENANT_EVENTS_CONSUMER: `sharing_${process.pid}_${sharingInstances}`,
      ...overrides,
    }, 'sharing'),
  );
  const logger = createLogger('sharing', config.LOG_LEVEL);
  const runtime = await createRuntime(sharingRuntimeOptions(config, logger, { relayPollIntervalMs: 200 }));
  const sharing = buildSharingApp(config, runtime, logger);
  await sharing.start();
  const server = await listen(sharing.app, 0);
  runtime.relay.start();
  return {
    ...sharing,
    config,
    runtime,
    server,
    url: server.url,
    close: async () => {
      await sharing.stop();
      await server.close();
      await runtime.close();
    },
  };
}

/** What authz needs to accept a sharing instance's grant tokens. */
export function grantTokenEnv(sharing: RunningSharing): Record<string, string> {
  return { SHARING_JWKS_URL: `${sharing.url}/.well-known/jwks.json`, GRANT_TOKEN_ISSUER: sharing.config.GRANT_TOKEN_ISSUER };
}

export interface EveryService {
  identity: RunningIdentity;
  tenancy: RunningTenancy;
  sharing: RunningSharing;
  audit: RunningAudit;
  authz: RunningAuthz;
  close: () => Promise<void>;
}

/**
 * All five services, wired as in production: everyone trusts identity, authz also takes sharing's grant tokens.
 * `env` goes to every service; `sharing` to sharing alone (its resolve limit, say). Invitation mail goes to a temp dir.
 */
export async function startEveryService(env: Record<string, string> = {}, only: { sharing?: Record<string, string> } = {}): Promise<EveryService> {
  const identity = await startIdentity(env);
  const [tenancy, sharing, audit] = await Promise.all([
    startTenancy(identity, { MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'portcullis-mail-')), ...env }),
    startSharing(identity, { ...env, ...only.sharing }),
    startAudit(identity, env),
  ]);
  const authz = await startAuthz(identity, { ...env, ...grantTokenEnv(sharing) });
  return {
    identity,
    tenancy,
    sharing,
    audit,
    authz,
    close: async () => {
      await Promise.all([authz.close(), audit.close(), sharing.close(), tenancy.close()]);
      await identity.close();
    },
  };
}

/** Users straight into identity's table, active, with no usable password: enough for tenancy's directory lookups. */
export async function directoryUsers(identity: RunningIdentity, ids: string[], label = 'user'): Promise<void> {
  await identity.runtime.orm.em.fork().execute(
    `insert into identity.users (id, email, name, password_hash, status)
     select id::uuid, ? || '-' || id || '@test.portcullis', ?, 'unused', 'active' from jsonb_array_elements_text(?::jsonb) id`,
    [label, label, JSON.stringify(ids)],
  );
}

/** A JSON call with a bearer token; answers the status and the parsed body (undefined when empty). */
export async function call(method: string, url: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json: any = text ? JSON.parse(text) : undefined;
  return { status: response.status, body: json, headers: response.headers };
}

let counter = 0;
/** A unique email per call, so tests sharing the run's database never collide. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}-${process.pid}-${Date.now().toString(36)}-${counter}@example.test`;
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** The JSON body of a response, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readJson(response: Response): Promise<any> {
  return response.json();
}

/** Adds (or removes) a grant through the real writer and waits until every given runtime's policy has it. */
export async function changeGrant(
  op: 'add' | 'remove',
  writerRuntime: ServiceRuntime,
  grant: { subject: string; role: string; domain: string },
  waitFor: ServiceRuntime[] = [writerRuntime],
): Promise<void> {
  const change = await writerRuntime.orm.em.fork().transactional((tx) => writerRuntime.grants[op](tx, grant));
  writerRuntime.grants.announce([change]);
  if (!change) return;
  await eventually(async () => (waitFor.every((r) => r.policy.version >= change.version) ? true : undefined), 5000, 10);
}
