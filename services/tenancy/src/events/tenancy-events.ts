import { Outbox } from '@portcullis/shared/events';

export const TENANCY_SERVICE = 'tenancy';

/** The tenancy event actions (`<entity>.<verb>`); the contract lists them. */
export const TenancyEvent = {
  tenantCreated: 'tenant.created',
  tenantUpdated: 'tenant.updated',
  tenantDisabled: 'tenant.disabled',
  tenantDeleted: 'tenant.deleted',
  memberAdded: 'member.added',
  memberRemoved: 'member.removed',
  memberRolesChanged: 'member.roles_changed',
  invitationCreated: 'invitation.created',
  invitationAccepted: 'invitation.accepted',
  invitationResent: 'invitation.resent',
  invitationRevoked: 'invitation.revoked',
} as const;

export function createTenancyOutbox(subjectPrefix: string, onCommitted: () => void): Outbox {
  return new Outbox(TENANCY_SERVICE, subjectPrefix, onCommitted);
}
