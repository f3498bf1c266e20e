// What every audit event type means, with an example of its `data`: the source of docs/audit-events.md.
// The test next to the generator checks that this catalogue covers exactly the event constants the services publish.
import type { Actor, Outcome } from '../events/envelope.js';
import { AUTHZ_SERVICE, AuthzEvent, IDENTITY_SERVICE, IdentityEvent, SHARING_SERVICE, SharingEvent, TENANCY_SERVICE, TenancyEvent } from './audit-events.js';

export interface AuditEventCatalogEntry {
  service: string;
  /** `<entity>.<verb>`; the full type is `portcullis.<service>.<action>`. */
  action: string;
  /** One sentence: when the event is published. */
  when: string;
  outcome: Outcome;
  /** Whether the event carries `tenantid` (tenant-scoped) or not (a platform event). */
  tenant: boolean;
  /** The example's CloudEvents `subject`, written the way the producer writes it. */
  subject: string;
  actor: Actor;
  target: Record<string, unknown>;
  changes?: { before: unknown; after: unknown };
  reason?: string;
  /** Events not caused by an HTTP request carry a fixed request id instead of the request's. */
  requestId?: string;
}

/** Fixed ids for the examples, so the generated document never changes by itself. */
export const EXAMPLE_IDS = {
  user: '0190aaaa-0000-7000-8000-000000000001',
  platformAdmin: '0190aaaa-0000-7000-8000-000000000002',
  tenantAdmin: '0190aaaa-0000-7000-8000-000000000003',
  tenant: '0190bbbb-0000-7000-8000-000000000001',
  session: '0190cccc-0000-7000-8000-000000000001',
  impersonationSession: '0190cccc-0000-7000-8000-000000000002',
  invitation: '0190dddd-0000-7000-8000-000000000001',
  share: '0190eeee-0000-7000-8000-000000000001',
} as const;

const USER_EMAIL = 'ursula@example.com';
const CLIENT = { ip: '203.0.113.7', user_agent: 'Mozilla/5.0 (example)' };

/** Who acts in the examples. */
const AS_USER: Actor = { user_id: EXAMPLE_IDS.user, ...CLIENT };
const AS_PLATFORM_ADMIN: Actor = { user_id: EXAMPLE_IDS.platformAdmin, ...CLIENT };
const AS_TENANT_ADMIN: Actor = { user_id: EXAMPLE_IDS.tenantAdmin, ...CLIENT };
/** A platform admin acting as the user: every event made with an impersonation token names both. */
const AS_IMPERSONATED_USER: Actor = { user_id: EXAMPLE_IDS.user, impersonator_id: EXAMPLE_IDS.platformAdmin, ...CLIENT };
/** Someone not (yet) known: a failed sign-in for an unknown email, a public link opened anonymously. */
const AS_ANONYMOUS: Actor = { user_id: null, ...CLIENT };

const USER_SUBJECT = `user:${EXAMPLE_IDS.user}`;
const TENANT_SUBJECT = `tenant:${EXAMPLE_IDS.tenant}`;
const MEMBER_SUBJECT = `${TENANT_SUBJECT}/member:${EXAMPLE_IDS.user}`;
const INVITATION_SUBJECT = `${TENANT_SUBJECT}/invitation:${EXAMPLE_IDS.invitation}`;
const SHARE_SUBJECT = `${TENANT_SUBJECT}/share:${EXAMPLE_IDS.share}`;

const TENANT_TARGET = { tenant_id: EXAMPLE_IDS.tenant, name: 'Acme Corp', slug: 'acme' };
const TENANT_SNAPSHOT = { name: 'Acme Corp', slug: 'acme', status: 'active', settings: { allow_public_shares: false } };
const MEMBER_TARGET = { tenant_id: EXAMPLE_IDS.tenant, user_id: EXAMPLE_IDS.user, email: USER_EMAIL };
const INVITATION_TARGET = { tenant_id: EXAMPLE_IDS.tenant, invitation_id: EXAMPLE_IDS.invitation, email: USER_EMAIL };
const SHARE_TARGET = { tenant_id: EXAMPLE_IDS.tenant, share_id: EXAMPLE_IDS.share, resource_type: 'document', resource_id: 'doc-42' };

const identity = (entry: Omit<AuditEventCatalogEntry, 'service' | 'tenant'>): AuditEventCatalogEntry => ({ service: IDENTITY_SERVICE, tenant: false, ...entry });
const tenancy = (entry: Omit<AuditEventCatalogEntry, 'service' | 'tenant'>): AuditEventCatalogEntry => ({ service: TENANCY_SERVICE, tenant: true, ...entry });
const sharing = (entry: Omit<AuditEventCatalogEntry, 'service' | 'tenant'>): AuditEventCatalogEntry => ({ service: SHARING_SERVICE, tenant: true, ...entry });
const authz = (entry: Omit<AuditEventCatalogEntry, 'service' | 'tenant'>): AuditEventCatalogEntry => ({ service: AUTHZ_SERVICE, tenant: false, ...entry });

const IDENTITY_EVENTS: AuditEventCatalogEntry[] = [
  identity({
    action: IdentityEvent.userCreated,
    when: 'A user account is created: by a platform admin, by sign-up with an invitation (actor `user_id` null), or as the bootstrap platform admin at first start.',
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: AS_PLATFORM_ADMIN,
    target: { user_id: EXAMPLE_IDS.user, email: USER_EMAIL },
    changes: { before: null, after: { email: USER_EMAIL, name: 'Ursula User', status: 'active', platform_roles: [] } },
  }),
  identity({
    action: IdentityEvent.userUpdated,
    when: "A user's name, status or platform roles change (the user renaming themselves, or a platform admin); re-enabling a user is this event with `status` in `changes`.",
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: AS_PLATFORM_ADMIN,
    target: { user_id: EXAMPLE_IDS.user, email: USER_EMAIL },
    changes: { before: { name: 'Ursula User', status: 'disabled' }, after: { name: 'Ursula U.', status: 'active' } },
  }),
  identity({
    action: IdentityEvent.userDisabled,
    when: 'A platform admin disables a user: every session of theirs ends in the same transaction (each with `session.revoked`, reason `user_disabled`).',
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: AS_PLATFORM_ADMIN,
    target: { user_id: EXAMPLE_IDS.user, email: USER_EMAIL },
    changes: { before: { name: 'Ursula User', status: 'active' }, after: { name: 'Ursula User', status: 'disabled' } },
  }),
  identity({
    action: IdentityEvent.userDeleted,
    when: 'A platform admin deletes a user, with their platform roles and sessions.',
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: AS_PLATFORM_ADMIN,
    target: { user_id: EXAMPLE_IDS.user, email: USER_EMAIL },
    changes: { before: { email: USER_EMAIL, platform_roles: [] }, after: null },
  }),
  identity({
    action: IdentityEvent.passwordChanged,
    when: 'A user changes their password (their other sessions end, each with `session.revoked`).',
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: AS_USER,
    target: { user_id: EXAMPLE_IDS.user },
  }),
  identity({
    action: IdentityEvent.mfaEnrolled,
    when: 'A user confirms TOTP enrolment with a first valid code, which turns MFA on.',
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: AS_USER,
    target: { user_id: EXAMPLE_IDS.user },
  }),
  identity({
    action: IdentityEvent.mfaDisabled,
    when: 'A user turns TOTP off with a current TOTP or recovery code.',
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: AS_USER,
    target: { user_id: EXAMPLE_IDS.user },
  }),
  identity({
    action: IdentityEvent.loginSucceeded,
    when: 'A sign-in completes and a session starts: after the password, or after the second factor when MFA is on (`amr`, `mfa_method`).',
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: AS_USER,
    target: { user_id: EXAMPLE_IDS.user, session_id: EXAMPLE_IDS.session, amr: ['pwd', 'otp'], mfa_method: 'totp' },
  }),
  identity({
    action: IdentityEvent.loginFailed,
    when: 'A sign-in is refused; `reason` is `unknown_email`, `invalid_password`, `user_disabled` or `invalid_mfa_code` (the caller is only told the credentials are wrong), or `invalid_current_password` for a wrong current password at a password change (it counts like a failed sign-in).',
    outcome: 'failure',
    subject: 'user:unknown',
    actor: AS_ANONYMOUS,
    target: { email: 'nobody@example.com' },
    reason: 'unknown_email',
  }),
  identity({
    action: IdentityEvent.loginLocked,
    when: 'Too many failed attempts lock an account, a user\'s MFA step or a source address (`target.key`) for a while; sign-ins there get 429 until `locked_until`.',
    outcome: 'denied',
    subject: USER_SUBJECT,
    actor: AS_USER,
    target: { key: 'account', email: USER_EMAIL, failures: 5, locked_until: '2026-01-01T12:01:00.000Z' },
    reason: '5 failed attempts',
  }),
  identity({
    action: IdentityEvent.loginUnlocked,
    when: 'A successful sign-in clears a lock that had been set on the account, the MFA step or the source address.',
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: { user_id: EXAMPLE_IDS.user, ip: CLIENT.ip },
    target: { key: 'account', user_id: EXAMPLE_IDS.user },
    reason: 'successful sign-in',
  }),
  identity({
    action: IdentityEvent.sessionRevoked,
    when: 'A session ends early; `reason` is `logout`, `revoked_by_user`, `password_changed`, `user_disabled`, `user_deleted`, `refresh_reused`, or `impersonation_<how it ended>` for an impersonation\'s own session.',
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: AS_USER,
    target: { user_id: EXAMPLE_IDS.user, session_id: EXAMPLE_IDS.session },
    reason: 'logout',
  }),
  identity({
    action: IdentityEvent.refreshReused,
    when: 'A refresh token that was already exchanged is presented again (a sign of theft), so its whole session is revoked.',
    outcome: 'denied',
    subject: USER_SUBJECT,
    actor: AS_USER,
    target: { user_id: EXAMPLE_IDS.user, session_id: EXAMPLE_IDS.session },
    reason: 'a rotated refresh token was presented again; the session is revoked',
  }),
  identity({
    action: IdentityEvent.impersonationStarted,
    when: 'A platform admin with a recent second factor starts acting as another user, giving a reason.',
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: AS_PLATFORM_ADMIN,
    target: { user_id: EXAMPLE_IDS.user, email: USER_EMAIL, impersonation_session_id: EXAMPLE_IDS.impersonationSession, expires_at: '2026-01-01T12:15:00.000Z' },
    reason: 'Support ticket 4711: user cannot see shared documents',
  }),
  identity({
    action: IdentityEvent.impersonationEnded,
    when: 'An impersonation ends: with either token (`reason` `ended`), by signing out with it (`signed_out`), replaced by a new one of the same admin (`replaced`), with the impersonator\'s session that started it (`impersonator_<why that session ended>`, e.g. `impersonator_logout`, `impersonator_user_disabled`), when the impersonator loses platform_admin (`impersonator_lost_platform_admin`), or when it runs out (`expired`, recorded by a sweep within 15 s).',
    outcome: 'success',
    subject: USER_SUBJECT,
    actor: AS_IMPERSONATED_USER,
    target: { user_id: EXAMPLE_IDS.user, impersonator_id: EXAMPLE_IDS.platformAdmin, impersonation_session_id: EXAMPLE_IDS.impersonationSession },
    changes: { before: { active: true }, after: { active: false, duration_seconds: 420 } },
    reason: 'ended',
  }),
];

const TENANCY_EVENTS: AuditEventCatalogEntry[] = [
  tenancy({
    action: TenancyEvent.tenantCreated,
    when: 'A tenant is created.',
    outcome: 'success',
    subject: TENANT_SUBJECT,
    actor: AS_PLATFORM_ADMIN,
    target: TENANT_TARGET,
    changes: { before: null, after: TENANT_SNAPSHOT },
  }),
  tenancy({
    action: TenancyEvent.tenantUpdated,
    when: "A tenant's name, slug or settings change.",
    outcome: 'success',
    subject: TENANT_SUBJECT,
    actor: AS_TENANT_ADMIN,
    target: TENANT_TARGET,
    changes: { before: TENANT_SNAPSHOT, after: { ...TENANT_SNAPSHOT, settings: { allow_public_shares: true } } },
  }),
  tenancy({
    action: TenancyEvent.tenantDisabled,
    when: "A tenant is disabled (soft delete): its members' grants are removed, and sharing then revokes its links (`share.revoked`, reason `tenant_disabled`).",
    outcome: 'success',
    subject: TENANT_SUBJECT,
    actor: AS_PLATFORM_ADMIN,
    target: TENANT_TARGET,
    changes: { before: TENANT_SNAPSHOT, after: { ...TENANT_SNAPSHOT, status: 'disabled' } },
  }),
  tenancy({
    action: TenancyEvent.tenantDeleted,
    when: 'A tenant is purged with its memberships and invitations, and sharing then revokes its links (`share.revoked`, reason `tenant_deleted`).',
    outcome: 'success',
    subject: TENANT_SUBJECT,
    actor: AS_PLATFORM_ADMIN,
    target: TENANT_TARGET,
    changes: { before: { ...TENANT_SNAPSHOT, status: 'disabled', members: 3 }, after: null },
  }),
  tenancy({
    action: TenancyEvent.memberAdded,
    when: 'A user becomes a member of a tenant: added by a tenant admin, or by accepting an invitation.',
    outcome: 'success',
    subject: MEMBER_SUBJECT,
    actor: AS_TENANT_ADMIN,
    target: MEMBER_TARGET,
    changes: { before: null, after: { roles: ['member'] } },
  }),
  tenancy({
    action: TenancyEvent.memberRemoved,
    when: 'A member is removed from a tenant, or leaves it.',
    outcome: 'success',
    subject: MEMBER_SUBJECT,
    actor: AS_TENANT_ADMIN,
    target: MEMBER_TARGET,
    changes: { before: { roles: ['member'] }, after: null },
  }),
  tenancy({
    action: TenancyEvent.memberRolesChanged,
    when: "A member's roles in a tenant change: replaced by a tenant admin, or extended by accepting an invitation.",
    outcome: 'success',
    subject: MEMBER_SUBJECT,
    actor: AS_TENANT_ADMIN,
    target: MEMBER_TARGET,
    changes: { before: { roles: ['member'] }, after: { roles: ['member', 'admin'] } },
  }),
  tenancy({
    action: TenancyEvent.invitationCreated,
    when: 'A tenant admin invites an email address (a pending invitation to the same address is replaced; `before` names it).',
    outcome: 'success',
    subject: INVITATION_SUBJECT,
    actor: AS_TENANT_ADMIN,
    target: INVITATION_TARGET,
    changes: { before: null, after: { email: USER_EMAIL, roles: ['member'], expires_at: '2026-01-08T12:00:00.000Z' } },
  }),
  tenancy({
    action: TenancyEvent.invitationAccepted,
    when: 'The invited person accepts an invitation (on sign-up or when signed in), which adds them to the tenant.',
    outcome: 'success',
    subject: INVITATION_SUBJECT,
    actor: AS_USER,
    target: INVITATION_TARGET,
    changes: { before: { status: 'pending' }, after: { status: 'accepted', user_id: EXAMPLE_IDS.user } },
  }),
  tenancy({
    action: TenancyEvent.invitationResent,
    when: 'A tenant admin resends a pending invitation: a new token and a new expiry (the old token stops working).',
    outcome: 'success',
    subject: INVITATION_SUBJECT,
    actor: AS_TENANT_ADMIN,
    target: INVITATION_TARGET,
    changes: { before: null, after: { expires_at: '2026-01-08T12:00:00.000Z' } },
  }),
  tenancy({
    action: TenancyEvent.invitationRevoked,
    when: 'A tenant admin revokes a pending invitation.',
    outcome: 'success',
    subject: INVITATION_SUBJECT,
    actor: AS_TENANT_ADMIN,
    target: INVITATION_TARGET,
    changes: { before: { status: 'pending' }, after: { status: 'revoked' } },
  }),
];

const SHARING_EVENTS: AuditEventCatalogEntry[] = [
  sharing({
    action: SharingEvent.shareCreated,
    when: 'A share link to a resource is created (visibility `tenant` or `public`).',
    outcome: 'success',
    subject: SHARE_SUBJECT,
    actor: AS_USER,
    target: SHARE_TARGET,
    changes: {
      before: null,
      after: { resource: 'document:doc-42', visibility: 'tenant', expires_at: '2026-01-31T00:00:00.000Z', max_views: 10, permissions: ['read'] },
    },
  }),
  sharing({
    action: SharingEvent.shareRevoked,
    when: 'A share link stops: revoked by its creator or a tenant admin (`reason` `revoked`), or because its tenant was disabled or deleted (`tenant_disabled`, `tenant_deleted`).',
    outcome: 'success',
    subject: SHARE_SUBJECT,
    actor: AS_USER,
    target: SHARE_TARGET,
    changes: { before: { status: 'active' }, after: { status: 'revoked' } },
    reason: 'revoked',
  }),
  sharing({
    action: SharingEvent.shareAccessed,
    when: 'A share link is opened and a grant is issued; each of these counts one view (actor `user_id` null for an anonymous public link).',
    outcome: 'success',
    subject: SHARE_SUBJECT,
    actor: AS_USER,
    target: SHARE_TARGET,
  }),
  sharing({
    action: SharingEvent.shareDenied,
    when: 'Opening a share link is refused; `reason` is `revoked`, `expired`, `view_limit_reached`, `sign_in_required` or `not_a_member`.',
    outcome: 'denied',
    subject: SHARE_SUBJECT,
    actor: AS_ANONYMOUS,
    target: SHARE_TARGET,
    reason: 'expired',
  }),
];

const AUTHZ_EVENTS: AuditEventCatalogEntry[] = [
  authz({
    action: AuthzEvent.policyApplied,
    when: 'The policy files are applied (`npm run policy -- apply`, or the dev seed) and the stored rules change; `changes` lists the removed and added rules.',
    outcome: 'success',
    subject: 'policy',
    actor: { user_id: null },
    target: { policy_version: 7, rules: 42 },
    changes: { before: { removed: [] }, after: { added: [['auditor', '*', 'shares', 'read', 'allow']] } },
    requestId: 'policy-command',
  }),
];

/** Every event type the services publish, grouped by service (identity, tenancy, sharing, authz) in constant order. */
export const AUDIT_EVENT_CATALOG: readonly AuditEventCatalogEntry[] = [...IDENTITY_EVENTS, ...TENANCY_EVENTS, ...SHARING_EVENTS, ...AUTHZ_EVENTS];
