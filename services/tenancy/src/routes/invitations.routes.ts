import { z } from 'zod';
import type { Middleware } from 'koa';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import type { Authorizer } from '@portcullis/shared/authz';
import { ApiRouter } from '@portcullis/shared/http';
import type { InvitationService } from '../services/invitation.service.js';
import { toPublicInvitation } from '../services/presenters.js';
import { authorizeInTenant } from './tenant-guard.js';
import { InvitationView, pageOf, RoleList, TenantIdParams } from './schemas.js';

const InvitationParams = TenantIdParams.extend({ invitation_id: z.uuid() });
const WithToken = InvitationView.extend({ token: z.string() });
const Token = z.string().min(20).max(200);

export function invitationRoutes(invitations: InvitationService, authorizer: Authorizer, requireAuth: Middleware): ApiRouter {
  return new ApiRouter('/v1')
    .post('/tenants/:tenant_id/invitations', {
      summary: 'Invite an email with roles; the token is in this response only (a pending invitation to the email is replaced)',
      tags: ['invitations'],
      before: [requireAuth, authorizeInTenant(authorizer, 'invitations', 'create')],
      params: TenantIdParams,
      body: z.object({ email: z.email().max(320), roles: RoleList }),
      responses: { 201: { description: 'The invitation and its token', schema: WithToken }, 409: { description: 'Already a member' } },
    }, async (ctx, { params, body }) => {
      const { invitation, token } = await invitations.create(params.tenant_id, body, auditContext(ctx));
      ctx.status = 201;
      ctx.body = { ...toPublicInvitation(invitation), token };
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
      summary: 'A new token and expiry for a pending invitation (the old token stops working)',
      tags: ['invitations'],
      before: [requireAuth, authorizeInTenant(authorizer, 'invitations', 'update')],
      params: InvitationParams,
      responses: { 200: { description: 'The invitation and its new token', schema: WithToken } },
    }, async (ctx, { params }) => {
      const { invitation, token } = await invitations.resend(params.tenant_id, params.invitation_id, auditContext(ctx));
      ctx.body = { ...toPublicInvitation(invitation), token };
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
