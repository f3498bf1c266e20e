// The audit events each service publishes (`portcullis.<service>.<entity>.<verb>` on `audit.<service>.<entity>.<verb>`):
// named once, here, for the producers, the audit service's catalogue and docs/audit-events.md.

export const IDENTITY_SERVICE = 'identity';
export const TENANCY_SERVICE = 'tenancy';
export const SHARING_SERVICE = 'sharing';
export const AUDIT_SERVICE = 'audit';
export const AUTHZ_SERVICE = 'authz';

/** The identity event actions (`<entity>.<verb>`). */
export const IdentityEvent = {
  userCreated: 'user.created',
  userUpdated: 'user.updated',
  userDisabled: 'user.disabled',
  userDeleted: 'user.deleted',
  passwordChanged: 'password.changed',
  mfaEnrolled: 'mfa.enrolled',
  mfaDisabled: 'mfa.disabled',
  loginSucceeded: 'login.succeeded',
  loginFailed: 'login.failed',
  loginLocked: 'login.locked',
  loginUnlocked: 'login.unlocked',
  sessionRevoked: 'session.revoked',
  refreshReused: 'refresh.reused',
  impersonationStarted: 'impersonation.started',
  impersonationEnded: 'impersonation.ended',
} as const;

/** The tenancy event actions. */
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

/** The sharing event actions. */
export const SharingEvent = {
  shareCreated: 'share.created',
  shareRevoked: 'share.revoked',
  shareAccessed: 'share.accessed',
  shareDenied: 'share.denied',
} as const;

/** The authz event actions. */
export const AuthzEvent = {
  policyApplied: 'policy.applied',
} as const;

/** Every service's actions, by service: what the catalogue must describe, one entry each. */
export const AUDIT_EVENTS: Record<string, Record<string, string>> = {
  [IDENTITY_SERVICE]: IdentityEvent,
  [TENANCY_SERVICE]: TenancyEvent,
  [SHARING_SERVICE]: SharingEvent,
  [AUTHZ_SERVICE]: AuthzEvent,
};

/** `portcullis.<service>.<action>`, the CloudEvents `type`. */
export function auditEventType(service: string, action: string): string {
  return `portcullis.${service}.${action}`;
}
