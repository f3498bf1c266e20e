// Request/reply between services over NATS: each exchange's subject, request and reply, as zod schemas that both the
// asking and the answering side validate with. A reply travels in an envelope: {ok: true, result} or {ok: false, error}.
import { z } from 'zod';
import { INVITATIONS_ACCEPT, INVITATIONS_PEEK, REVOCATIONS_PENDING, TENANTS_GET, USERS_BY_EMAIL, USERS_GET } from './nats-subjects.js';

export * from './nats-subjects.js';

/** One request/reply exchange: where it is asked, and what is asked and answered. */
export interface NatsExchange<Req extends z.ZodType, Res extends z.ZodType> {
  subject: string;
  request: Req;
  reply: Res;
}

function exchange<Req extends z.ZodType, Res extends z.ZodType>(subject: string, request: Req, reply: Res): NatsExchange<Req, Res> {
  return { subject, request, reply };
}

/** A user as other services learn of them from identity. */
export const UserSummary = z.object({ id: z.uuid(), email: z.string(), name: z.string(), status: z.enum(['active', 'disabled']) });
export type UserSummary = z.infer<typeof UserSummary>;

/** A tenant as other services learn of it from tenancy (sharing: may it share, and publicly?). */
export const TenantSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  settings: z.object({ allow_public_shares: z.boolean() }),
});
export type TenantSummary = z.infer<typeof TenantSummary>;

/**
 * An answer that may be a refusal with the HTTP status it carries (identity passes tenancy's 404 and 410 on to its
 * caller).
 */
function answerOf<T extends z.ZodType>(result: T) {
  return z.union([z.object({ status: z.literal(200), result }), z.object({ status: z.number().int().min(400).max(599), code: z.string().optional(), detail: z.string() })]);
}

export const InvitationDetails = z.object({ email: z.string(), tenant_id: z.uuid(), roles: z.array(z.string()) });
export const InvitationAcceptance = z.object({ tenant_id: z.uuid(), roles: z.array(z.string()) });
const InvitationToken = z.string().min(1).max(256);

export const NatsExchanges = {
  /** identity: a user by id, or null. */
  usersGet: exchange(USERS_GET, z.object({ id: z.uuid() }), UserSummary.nullable()),
  /** identity: a user by email, or null. */
  usersByEmail: exchange(USERS_BY_EMAIL, z.object({ email: z.string().min(1).max(320) }), UserSummary.nullable()),
  /** identity: revocations committed but not yet published (0: a service may trust its list again). */
  revocationsPending: exchange(REVOCATIONS_PENDING, z.object({}), z.object({ pending: z.number().int().min(0) })),
  /** tenancy: a tenant by id, or null. */
  tenantsGet: exchange(TENANTS_GET, z.object({ id: z.uuid() }), TenantSummary.nullable()),
  /** tenancy: what an invitation token invites to (identity's sign-up). */
  invitationsPeek: exchange(INVITATIONS_PEEK, z.object({ token: InvitationToken }), answerOf(InvitationDetails)),
  /** tenancy: accept an invitation for a user identity has just created. */
  invitationsAccept: exchange(INVITATIONS_ACCEPT, z.object({ token: InvitationToken, user_id: z.uuid(), request_id: z.string().max(128).optional() }), answerOf(InvitationAcceptance)),
} as const;

/** The reply envelope every responder sends. */
export const NatsReply = z.union([z.object({ ok: z.literal(true), result: z.unknown() }), z.object({ ok: z.literal(false), error: z.string() })]);

/** "Policy version V exists" (`authz.policy.changed`): a hint to read the changes from Postgres; it carries no rule. */
export const PolicyVersionHint = z.object({ version: z.number().int().min(0) });
export type PolicyVersionHint = z.infer<typeof PolicyVersionHint>;
