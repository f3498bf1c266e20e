import { z } from 'zod';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import { AcceptedInvitationView, InvitationView, IssuedInvitationView, type IssuedInvitation } from '@portcullis/shared/contracts';
import { ApiRouter, type AccessGuards } from '@portcullis/shared/http';
import type { InvitationService, Issued } from '../services/invitation.service.js';
import { toPublicInvitation } from '../services/presenters.js';
import { inTenant, PageNumber, PageSize, pageOf, RoleList, TenantIdParams } from './schemas.js';

const InvitationParams = TenantIdParams.extend({ invitation_id: z.uuid() });

/** The issued invitation as answered: with its link only when it is not mailed (development without SMTP). */
function issued({ invitation, token, mailed }: Issued, linkInResponse: boolean, acceptUrl: (token: string) => string): IssuedInvitation {
  if (linkInResponse) return { ...toPublicInvitation(invitation), delivery: 'response', token, accept_url: acceptUrl(token) };
  return { ...toPublicInvitation(invitation), delivery: mailed ? 'mail' : 'mail_failed' };
}
const Token = z.string().min(20).max(200);

export function invitationRoutes(invitations: InvitationService, guards: AccessGuards, linkInResponse: boolean): ApiRouter {
  const acceptUrl = (token: string) => invitations.acceptUrl(token);
  return new ApiRouter('/v1', guards)
    .post('/tenants/:tenant_id/invitations', {
      summary: 'Invite an email with roles: the link is mailed to that address (in development without SMTP it is in this response instead); a pending invitation to the email is replaced',
      tags: ['invitations'],
      access: inTenant('invitations', 'create'),
      params: TenantIdParams,
      body: z.object({ email: z.email().max(320), roles: RoleList }),
      responses: { 201: { description: 'The invitation, and how its link was delivered', schema: IssuedInvitationView } },
      problems: ['already-member', 'tenant-disabled'],
    }, async (ctx, { params, body }) => {
      const created = await invitations.create(params.tenant_id, body, auditContext(ctx));
      ctx.status = 201;
      ctx.body = issued(created, linkInResponse, acceptUrl);
    })
    .get('/tenants/:tenant_id/invitations', {
      summary: 'Invitations, newest first (status=pending by default: usable ones)',
      tags: ['invitations'],
      access: inTenant('invitations', 'read'),
      params: TenantIdParams,
      query: z.object({
        status: z.enum(['pending', 'accepted', 'revoked', 'replaced', 'expired', 'all']).default('pending'),
        page: PageNumber,
        page_size: PageSize,
      }),
      responses: { 200: { description: 'A page of invitations', schema: pageOf(InvitationView) } },
    }, async (ctx, { params, query }) => {
      const status = query.status === 'all' ? undefined : query.status;
      const page = await invitations.list(params.tenant_id, status, query.page, query.page_size);
      ctx.body = { items: page.items.map(toPublicInvitation), page: query.page, page_size: query.page_size, total: page.total };
    })
    .post('/tenants/:tenant_id/invitations/:invitation_id/resend', {
      summary: 'A new link and expiry for a pending invitation, delivered as on creation (the old link stops working)',
      operationId: 'resendTenantsInvitation',
      tags: ['invitations'],
      access: inTenant('invitations', 'update'),
      params: InvitationParams,
      responses: { 200: { description: 'The invitation, and how its new link was delivered', schema: IssuedInvitationView } },
      problems: ['conflict', 'tenant-disabled'],
    }, async (ctx, { params }) => {
      ctx.body = issued(await invitations.resend(params.tenant_id, params.invitation_id, auditContext(ctx)), linkInResponse, acceptUrl);
    })
    .delete('/tenants/:tenant_id/invitations/:invitation_id', {
      summary: 'Revoke a pending invitation',
      tags: ['invitations'],
      access: inTenant('invitations', 'delete'),
      params: InvitationParams,
      responses: { 204: { description: 'Revoked' } },
      problems: ['conflict'],
    }, async (ctx, { params }) => {
      await invitations.revoke(params.tenant_id, params.invitation_id, auditContext(ctx));
      ctx.status = 204;
    })
    .post('/invitations/accept', {
      summary: "Accept an invitation as the signed-in user (the invited email); 410 used or expired, 403 another email",
      operationId: 'acceptInvitation',
      tags: ['invitations'],
      access: 'authenticated',
      body: z.object({ token: Token }),
      responses: { 200: { description: 'The membership it gave', schema: AcceptedInvitationView } },
      problems: ['not-found', 'gone', 'wrong-invitee'],
    }, async (ctx, { body }) => {
      ctx.body = await invitations.accept(body.token, principalOf(ctx).user_id, auditContext(ctx));
    });
}
