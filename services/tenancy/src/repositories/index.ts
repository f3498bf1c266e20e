import type { EntityManager } from '@mikro-orm/postgresql';
import { InvitationRepository, type Invitations } from './invitation.repository.js';
import { MembershipRepository, type Memberships } from './membership.repository.js';
import { TenantRepository, type Tenants } from './tenant.repository.js';

/** What tenancy's unit of work hands its services. */
export interface TenancyRepositories {
  tenants: Tenants;
  members: Memberships;
  invitations: Invitations;
}

export const tenancyRepositories = (em: EntityManager): TenancyRepositories => ({
  tenants: new TenantRepository(em),
  members: new MembershipRepository(em),
  invitations: new InvitationRepository(em),
});

export type { Tenants, TenantPageQuery } from './tenant.repository.js';
export type { Memberships, MemberPageQuery } from './membership.repository.js';
export type { Invitations, InvitationFilter } from './invitation.repository.js';
