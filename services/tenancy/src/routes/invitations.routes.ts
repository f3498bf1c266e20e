import { z } from 'zod';
import type { Middleware } from 'koa';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import type { Authorizer } from '@portcullis/shared/authz';
import { ApiRouter } from '@portcullis/shared/http';
import type { InvitationService, Issued } from '../services/invitation.service.js';
import { toPublicInvitation } from '../services/presenters.js';
import { authorizeInTenant } from './tenant-guard.js';
import { InvitationView, pageOf, RoleList, TenantIdParams } from './schemas.js';

const InvitationParams = TenantIdParams.extend({ invitation_id: z.uuid() });
const Issued = InvitationView.extend({
  delivery: z
    .enum(['mail', 'mail_failed', 'response'])
    .describe('`mail`: the link went to the invited address only; `mail_failed`: it could not be sent (resend to try again); `response`: development without SMTP — the link is here, for the inviter to pass on'),
  token: z.string().optional().describe('Only when delivery is `response`: shown this once'),
  accept_url: z.string().optional(),
});

/** The issued invitation as answered: with its link only when it is not mailed (development without SMTP). */
function issued({ invitation, token, mailed }: Issued, linkInResponse: boolean, acceptUrl: (token: string) => string) {
  if (linkInResponse) return { ...toPublicInvitation(invitation), delivery: 'response' as const, token, accept_url: acceptUrl(token) };
  return { ...toPublicInvitation(invitation), delivery: mailed ? ('mail' as const) : ('mail_failed' as const) };
}
const Token = z.string().min(20).max(200);

export function invitationRoutes(invitations: InvitationService, authorizer: Authorizer, requireAuth: Middleware, linkInResponse: boolean): ApiRouter {
  const acceptUrl = (token: string) => invitations.acceptUrl(token);
  return new ApiRouter('/v1')
    .post('/tenants/:tenant_id/invitations', {
      summary: 'Invite an email with roles: the link is mailed to that address (in development without SMTP it is in this response instead); a pending invitation to the email is replaced',
      tags: ['invitations'],
      before: [requireAuth, authorizeInTenant(authorizer, 'invitations', 'create')],
      params: TenantIdParams,
      body: z.object({ email: z.email().max(320), roles: RoleList }),
      responses: { 201: { description: 'The invitation, and how its link was delivered', schema: Issued }, 409: { description: 'Already a member' } },
    }, async (ctx, { params, body }) => {
      const created = await invitations.create(params.tenant_id, body, auditContext(ctx));
      ctx.status = 201;
      ctx.body = issued(created, linkInResponse, acceptUrl);
    })
    .get('/tenants/:tenant_id/invitations', {
      summary: 'Invitations, newest first (status=pending by default: usable ones)',
      tags: ['invitations'],
      before: [requireAuth, authorizeInTenant(authorizer, 'invitations', 'read')],
      params: TenantIdParams,
      query: z.object({
        status: z.enum(['pending', 'accepted', 'revoked', 'replaced', 'expired', 'all']).default('pending'),
        page: z.coerce.number().int().min(1).default(1),
        page_size: z.coerce.number().int().min(1).max(100).default(20),
      }),
      responses: { 200: { description: 'A page of invitations', schema: pageOf(InvitationView) } },
    }, async (ctx, { params, query }) => {
      const status = query.status === 'all' ? undefined : query.status;
      const page = await invitations.list(params.tenant_id, status, query.page, query.page_size);
      ctx.body = { items: page.items.map(toPublicInvitation), page: query.page, page_size: query.page_size, total: page.total };
    })
    .post('/tenants/:tenant_id/invitations/:invitation_id/resend', {
      summary: 'A new link and expiry for a pending invitation, delivered as on creation (the old link stops working)',
      tags: ['invitations'],
      before: [requireAuth, authorizeInTenant(authorizer, 'invitations', 'update')],
      params: InvitationParams,
      responses: { 200: { description: 'The invitation, and how its new link was delivered', schema: Issued } },
    }, async (ctx, { params }) => {
      ctx.body = issued(await invitations.resend(params.tenant_id, params.invitation_id, auditContext(ctx)), linkInResponse, acceptUrl);
    })
    .delete('/tenants/:tenant_id/invitations/:invitation_id', {
      summary: 'Revoke a pending invitation',
      tags: ['invitations'],
      before: [requireAuth, authorizeInTenant(authorizer, 'invitations', 'delete')],
      params: InvitationParams,
      responses: { 204: { description: 'Revoked' } },
    }, async (ctx, { params }) => {
      await invitations.revoke(params.tenant_id, params.invitation_id, auditContext(ctx));
      ctx.status = 204;
    })
    .post('/invitations/accept', {
      summary: "Accept an invitation as the signed-in user (the invited email); 410 used or expired, 403 another email",
      tags: ['invitations'],
      before: [requireAuth],
      body: z.object({ token: Token }),
      responses: { 200: { description: 'The membership it gave', schema: z.object({ tenant_id: z.uuid(), roles: z.array(z.string()) }) } },
    }, async (ctx, { body }) => {
      ctx.body = await invitations.accept(body.token, principalOf(ctx).user_id, auditContext(ctx));
    });
}
