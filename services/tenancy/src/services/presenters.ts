import type { Invitation as PublicInvitation, InvitationStatus, Member, Tenant as PublicTenant } from '@portcullis/shared/contracts';
import type { Invitation } from '../entities/invitation.entity.js';
import type { Membership } from '../entities/membership.entity.js';
import type { Tenant } from '../entities/tenant.entity.js';

/** The presenters are typed by the public views (shared/contracts/views.ts): what they answer is what is documented. */
export function toPublicTenant(tenant: Tenant): PublicTenant {
  return {
    id: tenant.id,
    name: tenant.name,
    slug: tenant.slug,
    status: tenant.status,
    settings: tenant.settings,
    created_at: tenant.createdAt.toISOString(),
    updated_at: tenant.updatedAt.toISOString(),
    ...(tenant.disabledAt ? { disabled_at: tenant.disabledAt.toISOString() } : {}),
  };
}

export function toPublicMember(member: Membership): Member {
  return {
    tenant_id: member.tenantId,
    user_id: member.userId,
    email: member.email,
    name: member.name,
    roles: member.roles,
    created_at: member.createdAt.toISOString(),
    updated_at: member.updatedAt.toISOString(),
  };
}

export function invitationStatus(invitation: Invitation, now = new Date()): InvitationStatus {
  return invitation.status === 'pending' && invitation.expiresAt <= now ? 'expired' : invitation.status;
}

export function toPublicInvitation(invitation: Invitation): PublicInvitation {
  return {
    id: invitation.id,
    tenant_id: invitation.tenantId,
    email: invitation.email,
    roles: invitation.roles,
    status: invitationStatus(invitation),
    invited_by: invitation.invitedBy,
    expires_at: invitation.expiresAt.toISOString(),
    created_at: invitation.createdAt.toISOString(),
    ...(invitation.acceptedAt ? { accepted_at: invitation.acceptedAt.toISOString(), accepted_by: invitation.acceptedBy } : {}),
  };
}
