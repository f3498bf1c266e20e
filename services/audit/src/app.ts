import type Koa from 'koa';
import { authenticate, TokenVerifier } from '@portcullis/shared/auth';
import { createHttpApp, type Logger } from '@portcullis/shared/http';
import type { ServiceRuntime } from '@portcullis/shared/runtime';
import type { AuditConfig } from './config.js';
import { AuditConsumer } from './events/audit-consumer.js';
import { eventRoutes } from './routes/events.routes.js';
import { AuditAccessService } from './services/audit-access.service.js';
import { EventQueryService } from './services/event-query.service.js';
import { EventStoreService } from './services/event-store.service.js';

export const AUDIT_SERVICE = 'audit';

export interface AuditApp {
  app: Koa;
  store: EventStoreService;
  consumer: AuditConsumer;
}

export function buildAuditApp(config: AuditConfig, runtime: ServiceRuntime, logger: Logger): AuditApp {
  const verifier = new TokenVerifier({
    issuer: config.TOKEN_ISSUER,
    audience: config.ACCESS_TOKEN_AUDIENCE,
    keys: new URL(config.IDENTITY_JWKS_URL),
  });
  const store = new EventStoreService(runtime.orm);
  const consumer = new AuditConsumer({
    nc: runtime.nc,
    js: runtime.js,
    stream: config.AUDIT_STREAM,
    durable: config.AUDIT_CONSUMER,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    store,
    logger,
  });
  const { app } = createHttpApp({
    service: AUDIT_SERVICE,
    logger,
    orm: runtime.orm,
    readiness: runtime.readiness,
    routers: [eventRoutes(new EventQueryService(runtime.orm), new AuditAccessService(runtime.authorizer), authenticate(verifier, runtime.revokedSessions.check))],
  });
  return { app, store, consumer };
}
