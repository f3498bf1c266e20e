import type { AccessGuards, ApiRouter } from '@portcullis/shared/http';
import type { InvitationService } from '../services/invitation.service.js';
import type { MembershipService } from '../services/membership.service.js';
import type { RoleCatalog } from '../services/role-catalog.js';
import type { TenantService } from '../services/tenant.service.js';
import { invitationRoutes } from './invitations.routes.js';
import { meRoutes } from './me.routes.js';
import { memberRoutes } from './members.routes.js';
import { tenantRoutes } from './tenants.routes.js';

export interface TenancyRouteServices {
  tenants: TenantService;
  members: MembershipService;
  invitations: InvitationService;
  roles: RoleCatalog;
}

/** Every tenancy route. Building them calls no service: the gateway's route table is generated from them too. */
export function tenancyRouters(services: TenancyRouteServices, guards: AccessGuards, invitationLinkInResponse: boolean): ApiRouter[] {
  return [
    tenantRoutes(services.tenants, guards),
    memberRoutes(services.members, guards),
    invitationRoutes(services.invitations, guards, invitationLinkInResponse),
    meRoutes(services.members, services.roles, guards),
  ];
}
