import type { EntityManager } from '@mikro-orm/postgresql';
import { ImpersonationRepository, type Impersonations } from './impersonation.repository.js';
import { MfaRepository, type Mfa } from './mfa.repository.js';
import { PlatformRoleRepository, type PlatformRoles } from './platform-role.repository.js';
import { SessionRepository, type Sessions } from './session.repository.js';
import { ThrottleRepository, type Throttle } from './throttle.repository.js';
import { UserRepository, type Users } from './user.repository.js';

/** What identity's unit of work hands its services. */
export interface IdentityRepositories {
  users: Users;
  platformRoles: PlatformRoles;
  sessions: Sessions;
  mfa: Mfa;
  throttle: Throttle;
  impersonations: Impersonations;
}

export const identityRepositories = (em: EntityManager): IdentityRepositories => ({
  users: new UserRepository(em),
  platformRoles: new PlatformRoleRepository(em),
  sessions: new SessionRepository(em),
  mfa: new MfaRepository(em),
  throttle: new ThrottleRepository(em),
  impersonations: new ImpersonationRepository(em),
});

export { normalizeEmail, type Users, type UserPageQuery } from './user.repository.js';
export { PLATFORM_DOMAIN, type PlatformRoles } from './platform-role.repository.js';
export type { Sessions } from './session.repository.js';
export type { Mfa, TotpCredential } from './mfa.repository.js';
export type { Throttle } from './throttle.repository.js';
export type { Impersonations, ImpersonationSession, NewImpersonation } from './impersonation.repository.js';
