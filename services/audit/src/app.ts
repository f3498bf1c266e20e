import type Koa from 'koa';
import { authenticate, TokenVerifier } from '@portcullis/shared/auth';
import { accessGuards } from '@portcullis/shared/authz';
import { OrmUnitOfWork } from '@portcullis/shared/db';
import { createHttpApp, type Logger } from '@portcullis/shared/http';
import type { ServiceRuntime } from '@portcullis/shared/runtime';
import type { AuditConfig } from './config.js';
import { AuditConsumer } from './events/audit-consumer.js';
import { auditRepositories } from './repositories/index.js';
import { auditRouters } from './routes/index.js';
import { AuditAccessService } from './services/audit-access.service.js';
import { EventQueryService } from './services/event-query.service.js';
import { ChainVerifier } from './services/chain-verifier.js';
import { EventExporter } from './services/event-export.js';
import { EventStoreService } from './services/event-store.service.js';
import { LiveEvents } from './services/live-events.js';
import { RetentionService } from './services/retention.js';

export const AUDIT_SERVICE = 'audit';

export interface AuditApp {
  app: Koa;
  store: EventStoreService;
  consumer: AuditConsumer;
  verifier: ChainVerifier;
  /** Deletes events past AUDIT_RETENTION; main starts it on AUDIT_RETENTION_INTERVAL. */
  retention: RetentionService;
}

export function buildAuditApp(config: AuditConfig, runtime: ServiceRuntime, logger: Logger): AuditApp {
  const verifier = new TokenVerifier({
    issuer: config.TOKEN_ISSUER,
    audience: config.ACCESS_TOKEN_AUDIENCE,
    keys: new URL(config.IDENTITY_JWKS_URL),
  });
  const uow = new OrmUnitOfWork({ orm: runtime.orm, repositories: auditRepositories });
  const store = new EventStoreService(uow);
  const live = new LiveEvents(uow);
  const consumer = new AuditConsumer({
    nc: runtime.nc,
    js: runtime.js,
    stream: config.AUDIT_STREAM,
    durable: config.AUDIT_CONSUMER,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    store,
    logger,
    onStored: () => live.notify(),
  });
  const readers = {
    events: new EventQueryService(uow),
    live,
    exporter: new EventExporter(uow),
    verifier: new ChainVerifier(runtime.orm),
    access: new AuditAccessService(runtime.authorizer),
  };
  const { app } = createHttpApp({
    service: AUDIT_SERVICE,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    logger,
    orm: runtime.orm,
    readiness: runtime.readiness,
    routers: auditRouters(readers, accessGuards(authenticate(verifier, runtime.sessionChecks), runtime.authorizer), runtime.sessionChecks),
  });
  const retention = new RetentionService(uow, logger, { retentionMs: config.AUDIT_RETENTION });
  return { app, store, consumer, verifier: readers.verifier, retention };
}
