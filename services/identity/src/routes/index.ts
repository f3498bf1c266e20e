import type { AccessGuards, ApiRouter, DocumentedRoute } from '@portcullis/shared/http';
import type { AuthService } from '../services/auth.service.js';
import type { ImpersonationService } from '../services/impersonation.service.js';
import type { MfaService } from '../services/mfa.service.js';
import type { ProfileService } from '../services/profile.service.js';
import type { RegistrationService } from '../services/registration.service.js';
import type { SessionService } from '../services/session.service.js';
import type { UserAdminService } from '../services/user-admin.service.js';
import type { UserService } from '../services/user.service.js';
import { authRoutes } from './auth.routes.js';
import { impersonationRoutes } from './impersonation.routes.js';
import { meRoutes } from './me.routes.js';
import { mfaRoutes } from './mfa.routes.js';
import { userRoutes } from './users.routes.js';

export interface IdentityRouteServices {
  auth: AuthService;
  registration: RegistrationService;
  users: UserService;
  profile: ProfileService;
  sessions: SessionService;
  mfa: MfaService;
  userAdmin: UserAdminService;
  impersonation: ImpersonationService;
}

/** Every identity API route. Building them calls no service: the gateway's route table is generated from them too. */
export function identityRouters(s: IdentityRouteServices, guards: AccessGuards): ApiRouter[] {
  return [
    authRoutes(s.auth, s.registration, guards),
    meRoutes(s.users, s.profile, s.sessions, guards),
    mfaRoutes(s.mfa, s.users, guards),
    userRoutes(s.userAdmin, guards),
    impersonationRoutes(s.impersonation, guards),
  ];
}

/** The well-known documents (plain routers at the root), as they read in the OpenAPI document and the route table. */
export const identityWellKnown: DocumentedRoute[] = [
  { method: 'get', path: '/.well-known/jwks.json', operationId: 'jwks', summary: 'The public keys that verify access tokens (RFC 7517)', tags: ['well-known'], response: { description: 'JWK Set', contentType: 'application/json', schema: { type: 'object', properties: { keys: { type: 'array', items: { type: 'object' } } } } } },
  { method: 'get', path: '/.well-known/openid-configuration', operationId: 'openidConfiguration', summary: 'Discovery document', tags: ['well-known'], response: { description: 'Provider metadata', contentType: 'application/json', schema: { type: 'object' } } },
];
