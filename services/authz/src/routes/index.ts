import type { AccessGuards, ApiRouter } from '@portcullis/shared/http';
import type { DecisionService } from '../services/decision.service.js';
import { checkRoutes } from './check.routes.js';
import { subjectRoutes } from './subjects.routes.js';

/**
 * authz's routes for clients (the forward-auth sub-request is the gateway's own, see forward-auth.routes.ts). Building
 * them calls no service: the gateway's route table is generated from them too.
 */
export function authzRouters(decisions: DecisionService, guards: AccessGuards): ApiRouter[] {
  return [checkRoutes(decisions, guards), subjectRoutes(decisions, guards)];
}
