import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { SessionChecks } from '../auth/authenticate.js';
import { RevokedSessions } from '../auth/revoked-sessions.js';
import { CasbinAuthorizer, GrantWriter, PolicyEngine } from '../authz/index.js';
import type { BaseConfig } from '../config/index.js';
import { createOrm } from '../db/orm.js';
import { ensureAuditStream } from '../events/audit-stream.js';
import { OutboxRelay } from '../events/outbox-relay.js';
import type { Logger, ReadinessCheck } from '../http/index.js';
import { connectNats, natsReady, type NatsConnection } from '../nats/index.js';

export interface ServiceRuntime {
  orm: MikroORM;
  nc: NatsConnection;
  js: JetStreamClient;
  relay: OutboxRelay;
  /** This process's view of the central policy, kept in sync over NATS. */
  policy: PolicyEngine;
  authorizer: CasbinAuthorizer;
  grants: GrantWriter;
  /** Sessions ended anywhere, followed over NATS. */
  revokedSessions: RevokedSessions;
  /** What `authenticate(verifier, runtime.sessionChecks)` asks of every token: not revoked, impersonator still allowed. */
  sessionChecks: SessionChecks;
  readiness: ReadinessCheck[];
  close: () => Promise<void>;
}

export interface RuntimeOptions {
  service: string;
  config: BaseConfig;
  logger: Logger;
  entities: EntitySchema[];
  migrations: MigrationObject[];
  relayPollIntervalMs?: number;
  /** The audit service owns the audit stream and creates it; producers only publish to it (the outbox waits for it). */
  createsAuditStream?: boolean;
  /** Identity writes revocations: it creates the revoked-sessions bucket with this TTL (the longest token lifetime). */
  revocationsTtlMs?: number;
}

/** What every service process needs: its ORM, NATS with the audit stream, the outbox relay, readiness checks. */
export async function createRuntime(options: RuntimeOptions): Promise<ServiceRuntime> {
  const { config, logger } = options;
  const orm = await createOrm({
    databaseUrl: config.DATABASE_URL,
    schema: options.service,
    entities: options.entities,
    migrations: options.migrations,
  });
  const nc = await connectNats({ url: config.NATS_URL, name: `portcullis-${options.service}`, user: options.service, logger, credentials: config });
  if (options.createsAuditStream) {
    await ensureAuditStream(nc, { name: config.AUDIT_STREAM, subjectPrefix: config.NATS_SUBJECT_PREFIX, replicas: config.NATS_REPLICAS });
  }
  const js = jetstream(nc);
  const relay = new OutboxRelay({ orm, js, logger, pollIntervalMs: options.relayPollIntervalMs ?? 1000 });
  const policy = await PolicyEngine.start({
    orm,
    nc,
    logger,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    reconcileIntervalMs: config.POLICY_RECONCILE_INTERVAL,
    maxNatsOutageMs: config.POLICY_MAX_NATS_OUTAGE,
  });
  const revokedSessions = await RevokedSessions.open(nc, {
    bucket: config.REVOKED_SESSIONS_BUCKET,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    logger,
    maxOutageMs: config.REVOCATIONS_MAX_OUTAGE,
    ...(options.revocationsTtlMs ? { writer: { ttlMs: options.revocationsTtlMs, replicas: config.NATS_REPLICAS } } : {}),
  });
  const authorizer = new CasbinAuthorizer(policy);
  const readiness: ReadinessCheck[] = [
    { name: 'postgres', check: async () => void (await orm.em.fork().execute('select 1')) },
    { name: 'nats', check: () => natsReady(nc) },
    {
      name: 'policy',
      check: async () => {
        if (!policy.isFresh()) throw new Error('policy may be stale (NATS lost too long)');
      },
    },
    { name: 'revocations', check: revokedSessions.readiness },
  ];
  return {
    orm,
    nc,
    js,
    relay,
    policy,
    authorizer,
    grants: new GrantWriter(nc, config.NATS_SUBJECT_PREFIX, logger),
    revokedSessions,
    sessionChecks: { isRevoked: revokedSessions.check, authorizer },
    readiness,
    async close() {
      await revokedSessions.stop();
      await relay.stop();
      await policy.stop();
      await nc.drain().catch(() => nc.close());
      await orm.close(true);
    },
  };
}
