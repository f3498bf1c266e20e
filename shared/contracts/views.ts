// The public views: what each API answers, as zod schemas. The routes declare them (they document the OpenAPI
// responses and, in tests, check every answer), the presenters are typed by them, and the console's types are
// inferred from them: one definition, no copies.
import { z } from 'zod';

/** The list envelope: `items`, `page`, `page_size` (after capping), `total`. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), page: z.number().int(), page_size: z.number().int(), total: z.number().int() });
export interface PageOf<T> {
  items: T[];
  page: number;
  page_size: number;
  total: number;
}

const Instant = z.string().describe('RFC 3339 date-time, UTC');

// ── identity ──────────────────────────────────────────────────────────────────────────────────────────────────────

export const TokenPairView = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().describe('seconds'),
});
export const MfaRequiredView = z.object({ mfa_required: z.literal(true), mfa_token: z.string(), expires_in: z.number().int() });
export const RegisteredView = TokenPairView.extend({ tenant_id: z.uuid(), roles: z.array(z.string()) });

export const UserView = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  created_at: Instant,
  updated_at: Instant,
});
/** GET /me: during an impersonation, who is acting. */
export const MeView = UserView.extend({ impersonator_id: z.uuid().optional() });
export const UserDetailView = UserView.extend({ platform_roles: z.array(z.string()) });
export const CreatedUserView = UserView.extend({ initial_password: z.string().optional().describe('Only when no password was given: shown this once') });

export const SessionView = z.object({
  id: z.uuid(),
  current: z.boolean(),
  amr: z.array(z.string()),
  auth_time: Instant,
  created_at: Instant,
  expires_at: Instant,
  last_refreshed_at: Instant.nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
});
export const RevokedSessionsView = z.object({ revoked_sessions: z.number().int() });

export const TotpEnrollmentView = z.object({ secret: z.string(), otpauth_uri: z.string(), qr_svg: z.string() });
export const RecoveryCodesView = z.object({ recovery_codes: z.array(z.string()) });

export const ImpersonationView = z.object({
  id: z.uuid(),
  impersonator: z.object({ id: z.uuid(), email: z.string().nullable() }),
  target: z.object({ id: z.uuid(), email: z.string().nullable() }),
  reason: z.string(),
  started_at: Instant,
  expires_at: Instant,
  ended_at: Instant.nullable(),
  end_reason: z.string().nullable(),
  active: z.boolean(),
  duration_seconds: z.number().int(),
});
export const ImpersonationStartedView = z.object({
  session_id: z.uuid(),
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_at: Instant,
  target_user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
});
export const ImpersonationEndedView = z.object({ session_id: z.uuid(), duration_seconds: z.number().int() });

// ── tenancy ───────────────────────────────────────────────────────────────────────────────────────────────────────

export const TenantView = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  status: z.enum(['active', 'disabled']),
  settings: z.object({ allow_public_shares: z.boolean() }),
  created_at: Instant,
  updated_at: Instant,
  disabled_at: Instant.optional(),
});

export const MemberView = z.object({
  tenant_id: z.uuid(),
  user_id: z.uuid(),
  email: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  created_at: Instant,
  updated_at: Instant,
});

export const InvitationStatuses = ['pending', 'accepted', 'revoked', 'replaced', 'expired'] as const;
export const InvitationView = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  email: z.string(),
  roles: z.array(z.string()),
  status: z.enum(InvitationStatuses),
  invited_by: z.uuid().nullable(),
  expires_at: Instant,
  created_at: Instant,
  accepted_at: Instant.optional(),
  accepted_by: z.uuid().nullable().optional(),
});
/** The answer to create and resend: the link goes by mail; only in development without SMTP is it here instead. */
export const IssuedInvitationView = InvitationView.extend({
  delivery: z
    .enum(['mail', 'mail_failed', 'response'])
    .describe('`mail`: the link went to the invited address only; `mail_failed`: it could not be sent (resend to try again); `response`: development without SMTP — the link is here, for the inviter to pass on'),
  token: z.string().optional().describe('Only when delivery is `response`: shown this once'),
  accept_url: z.string().optional(),
});
export const AcceptedInvitationView = z.object({ tenant_id: z.uuid(), roles: z.array(z.string()) });

export const RoleView = z.object({
  name: z.string(),
  domain: z.enum(['tenant', 'platform']),
  description: z.string().optional(),
  permissions: z.array(z.object({ object: z.string(), action: z.string() })),
});
export const MyTenantView = z.object({ tenant: TenantView, roles: z.array(z.string()) });

// ── sharing ───────────────────────────────────────────────────────────────────────────────────────────────────────

export const ShareView = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  resource_type: z.string(),
  resource_id: z.string(),
  visibility: z.enum(['public', 'tenant']),
  name: z.string().nullable(),
  permissions: z.array(z.string()),
  status: z.enum(['active', 'revoked', 'expired', 'exhausted']),
  created_by: z.uuid(),
  created_at: Instant,
  expires_at: Instant.nullable(),
  max_views: z.number().int().nullable(),
  view_count: z.number().int(),
  revoked_at: Instant.nullable(),
  revoked_reason: z.string().nullable(),
});
export const CreatedShareView = ShareView.extend({ token: z.string().describe('Shown this once'), url: z.string() });

export const ShareViewLogEntryView = z.object({
  id: z.uuid(),
  viewer_user_id: z.uuid().nullable(),
  anonymous: z.boolean(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  viewed_at: Instant,
});

export const ResolvedShareView = z.object({
  resource_type: z.string(),
  resource_id: z.string(),
  tenant_id: z.uuid(),
  permissions: z.array(z.string()),
  grant_token: z.string(),
  expires_at: Instant,
  link_expires_at: Instant.nullable(),
  views_left: z.number().int().nullable(),
});

// ── audit ─────────────────────────────────────────────────────────────────────────────────────────────────────────

export const AuditEventItemView = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: z.string(),
  type: z.string(),
  time: Instant,
  subject: z.string(),
  datacontenttype: z.literal('application/json'),
  tenantid: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  sequence: z.string(),
  hash: z.string(),
});
export const AuditEventPageView = z.object({ items: z.array(AuditEventItemView), next_cursor: z.string().nullable() });
export const ChainVerificationView = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  first_sequence: z.string().optional(),
  last_sequence: z.string().optional(),
  first_invalid_id: z.string().optional(),
  first_invalid_sequence: z.string().optional(),
  reason: z.enum(['event_altered', 'hash_altered', 'event_missing', 'id_mismatch']).optional(),
});

// ── authz ─────────────────────────────────────────────────────────────────────────────────────────────────────────

export const CheckResultView = z.object({
  allowed: z.boolean(),
  reason: z.object({ matched_policy: z.array(z.string()).optional(), via_roles: z.array(z.string()).optional() }),
});
export const CheckBatchResultView = z.object({ results: z.array(CheckResultView) });
export const PermissionListView = z.object({ items: z.array(z.object({ object: z.string(), action: z.string() })) });
export const SubjectListView = z.object({ items: z.array(z.object({ subject: z.string(), roles: z.array(z.string()) })) });

// The types the console (and any TypeScript client) uses.
export type TokenPair = z.infer<typeof TokenPairView>;
export type MfaRequired = z.infer<typeof MfaRequiredView>;
export type User = z.infer<typeof UserView>;
export type Me = z.infer<typeof MeView>;
export type UserDetail = z.infer<typeof UserDetailView>;
export type CreatedUser = z.infer<typeof CreatedUserView>;
export type Session = z.infer<typeof SessionView>;
export type TotpEnrollment = z.infer<typeof TotpEnrollmentView>;
export type Impersonation = z.infer<typeof ImpersonationView>;
export type ImpersonationStarted = z.infer<typeof ImpersonationStartedView>;
export type Tenant = z.infer<typeof TenantView>;
export type Member = z.infer<typeof MemberView>;
export type InvitationStatus = (typeof InvitationStatuses)[number];
export type Invitation = z.infer<typeof InvitationView>;
export type IssuedInvitation = z.infer<typeof IssuedInvitationView>;
export type Role = z.infer<typeof RoleView>;
export type MyTenant = z.infer<typeof MyTenantView>;
export type Share = z.infer<typeof ShareView>;
export type CreatedShare = z.infer<typeof CreatedShareView>;
export type ShareViewLogEntry = z.infer<typeof ShareViewLogEntryView>;
export type ResolvedShare = z.infer<typeof ResolvedShareView>;
export type AuditEventItem = z.infer<typeof AuditEventItemView>;
export type AuditEventPage = z.infer<typeof AuditEventPageView>;
export type ChainVerification = z.infer<typeof ChainVerificationView>;
export type CheckResult = z.infer<typeof CheckResultView>;
export type CheckBatchResult = z.infer<typeof CheckBatchResultView>;
export type PermissionList = z.infer<typeof PermissionListView>;
export type SubjectList = z.infer<typeof SubjectListView>;
export type Registered = z.infer<typeof RegisteredView>;
export type RecoveryCodes = z.infer<typeof RecoveryCodesView>;
export type AcceptedInvitation = z.infer<typeof AcceptedInvitationView>;
