import type {
  AcceptedInvitation,
  Invitation,
  InvitationStatus,
  IssuedInvitation,
  Member,
  MyTenant,
  PageOf,
  Role,
  Tenant,
} from '@portcullis/shared/contracts/views';
import { askAll, type Questions } from './capabilities';
import { call } from './client';

/**
 * `IssuedInvitation`: the answer to create and resend. The link goes by mail to the invited address; only in
 * development without SMTP is it here instead (`delivery: "response"`, the token shown this once).
 */
export type { Invitation, InvitationStatus, IssuedInvitation, Member, MyTenant, PageOf, Role, Tenant };

export type TenantSettings = Tenant['settings'];

/** The membership an accepted invitation gave. */
export type { AcceptedInvitation };

export interface TenantInput {
  name: string;
  slug: string;
  settings?: Partial<TenantSettings>;
}

export interface ListQuery {
  page?: number;
  page_size?: number;
  q?: string;
}

/** What the caller may do in one tenant, so the pages show only what would be allowed. */
export interface TenantCapabilities {
  update: boolean;
  delete: boolean;
  readMembers: boolean;
  addMembers: boolean;
  changeMembers: boolean;
  removeMembers: boolean;
  readInvitations: boolean;
  invite: boolean;
}

const TENANT_CHECKS: Questions<TenantCapabilities> = [
  ['update', 'tenant', 'update'],
  ['delete', 'tenant', 'delete'],
  ['readMembers', 'members', 'read'],
  ['addMembers', 'members', 'create'],
  ['changeMembers', 'members', 'update'],
  ['removeMembers', 'members', 'delete'],
  ['readInvitations', 'invitations', 'read'],
  ['invite', 'invitations', 'create'],
];

/** The API rejects an empty q: only non-empty values go on the query string. */
function queryString(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

const id = encodeURIComponent;
const tenantPath = (tenantId: string) => `/tenancy/v1/tenants/${id(tenantId)}`;

export const tenancy = {
  list: (query: ListQuery = {}) => call<PageOf<Tenant>>('GET', `/tenancy/v1/tenants${queryString({ ...query, q: query.q?.trim() })}`),
  get: (tenantId: string) => call<Tenant>('GET', tenantPath(tenantId)),
  create: (input: TenantInput) => call<Tenant>('POST', '/tenancy/v1/tenants', { body: input }),
  update: (tenantId: string, changes: Partial<TenantInput>) => call<Tenant>('PATCH', tenantPath(tenantId), { body: changes }),
  /** Soft delete: the tenant is disabled and its members lose access at once. */
  disable: (tenantId: string) => call<void>('DELETE', tenantPath(tenantId)),
  /** Hard delete: the API wants the exact name again, so a wrong id cannot purge the wrong tenant. */
  purge: (tenantId: string, name: string) =>
    call<void>('DELETE', `${tenantPath(tenantId)}?hard=true`, { headers: { 'x-confirm-name': name } }),
  myTenants: () => call<MyTenant[]>('GET', '/tenancy/v1/me/tenants'),
  roles: () => call<{ items: Role[] }>('GET', '/tenancy/v1/roles'),

  members: (tenantId: string, query: ListQuery = {}) =>
    call<PageOf<Member>>('GET', `${tenantPath(tenantId)}/members${queryString({ ...query, q: query.q?.trim() })}`),
  addMember: (tenantId: string, userId: string, roles: string[]) =>
    call<Member>('POST', `${tenantPath(tenantId)}/members`, { body: { user_id: userId, roles } }),
  setMemberRoles: (tenantId: string, userId: string, roles: string[]) =>
    call<Member>('PUT', `${tenantPath(tenantId)}/members/${id(userId)}/roles`, { body: { roles } }),
  removeMember: (tenantId: string, userId: string) => call<void>('DELETE', `${tenantPath(tenantId)}/members/${id(userId)}`),

  invitations: (tenantId: string, status: InvitationStatus | 'all' = 'pending', page = 1, pageSize = 20) =>
    call<PageOf<Invitation>>('GET', `${tenantPath(tenantId)}/invitations${queryString({ status, page, page_size: pageSize })}`),
  invite: (tenantId: string, email: string, roles: string[]) =>
    call<IssuedInvitation>('POST', `${tenantPath(tenantId)}/invitations`, { body: { email, roles } }),
  resendInvitation: (tenantId: string, invitationId: string) =>
    call<IssuedInvitation>('POST', `${tenantPath(tenantId)}/invitations/${id(invitationId)}/resend`),
  revokeInvitation: (tenantId: string, invitationId: string) =>
    call<void>('DELETE', `${tenantPath(tenantId)}/invitations/${id(invitationId)}`),
  acceptInvitation: (token: string) =>
    call<AcceptedInvitation>('POST', '/tenancy/v1/invitations/accept', { body: { token } }),

  capabilities: (tenantId: string): Promise<TenantCapabilities> => askAll(TENANT_CHECKS, tenantId),
};

/** The roles a tenant membership or invitation can carry (platform roles are granted elsewhere). */
export async function tenantRoleNames(): Promise<string[]> {
  const { items } = await tenancy.roles();
  return items.filter((role) => role.domain === 'tenant').map((role) => role.name);
}

/** The link the invited person opens; the console's accept page is public, so it works before they have an account. */
export function invitationLink(token: string): string {
  return `${window.location.origin}/invitations/accept?token=${encodeURIComponent(token)}`;
}
