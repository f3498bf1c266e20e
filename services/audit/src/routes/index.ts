import type { SessionChecks } from '@portcullis/shared/auth';
import type { AccessGuards, ApiRouter } from '@portcullis/shared/http';
import { eventRoutes, type AuditReaders } from './events.routes.js';

/** Every audit API route. Building them calls no service: the gateway's route table is generated from them too. */
export function auditRouters(readers: AuditReaders, guards: AccessGuards, sessionChecks: SessionChecks): ApiRouter[] {
  return [eventRoutes(readers, guards, sessionChecks)];
}
