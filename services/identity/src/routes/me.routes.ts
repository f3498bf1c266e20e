import { z } from 'zod';
import type { Middleware } from 'koa';
import { ApiRouter, clientInfo, NotFound } from '@portcullis/shared/http';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import { authorizeOwnAccount, type Authorizer } from '@portcullis/shared/authz';
import type { ProfileService } from '../services/profile.service.js';
import { toPublicSession, type SessionService } from '../services/session.service.js';
import { toPublicUser, type UserService } from '../services/user.service.js';

export const UserResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  created_at: z.string(),
  updated_at: z.string(),
});

const SessionView = z.object({
  id: z.uuid(),
  current: z.boolean(),
  amr: z.array(z.string()),
  auth_time: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  last_refreshed_at: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
});

/** The own-account routes: the policy decides for the caller's kind of session (an impersonation may not take the account over). */
export function meRoutes(users: UserService, profile: ProfileService, sessions: SessionService, authorizer: Authorizer, requireAuth: Middleware): ApiRouter {
  const may = (action: string) => [requireAuth, authorizeOwnAccount(authorizer, action)];
  return new ApiRouter('/v1')
    .get('/me', {
      summary: 'The signed-in user',
      tags: ['me'],
      before: may('read'),
      responses: { 200: { description: 'The user', schema: UserResponse } },
    }, async (ctx) => {
      const principal = principalOf(ctx);
      const user = await users.findById(principal.user_id);
      if (!user) throw new NotFound('The user no longer exists.');
      ctx.body = { ...toPublicUser(user), ...(principal.impersonator_id ? { impersonator_id: principal.impersonator_id } : {}) };
    })
    .patch('/me', {
      summary: 'Change your name',
      tags: ['me'],
      before: may('update'),
      body: z.object({ name: z.string().trim().min(1).max(200) }),
      responses: { 200: { description: 'The user', schema: UserResponse } },
    }, async (ctx, { body }) => {
      ctx.body = toPublicUser(await profile.rename(principalOf(ctx).user_id, body.name, auditContext(ctx)));
    })
    .put('/me/password', {
      summary: 'Change your password; your other sessions end',
      tags: ['me'],
      before: may('change_password'),
      body: z.object({ current_password: z.string().min(1).max(1024), new_password: z.string().min(12, 'at least 12 characters').max(1024) }),
      responses: {
        200: { description: 'Changed', schema: z.object({ revoked_sessions: z.number() }) },
        400: { description: 'Wrong current password (counted like a failed sign-in)' },
        429: { description: 'Too many wrong passwords for this account or from this address (see retry-after)' },
      },
    }, async (ctx, { body }) => {
      const principal = principalOf(ctx);
      ctx.body = await profile.changePassword(principal.user_id, principal.session_id, body.current_password, body.new_password, auditContext(ctx), clientInfo(ctx));
    })
    .get('/me/sessions', {
      summary: 'Your active sessions (the one of this token is marked current)',
      tags: ['me'],
      before: may('read'),
      responses: { 200: { description: 'Sessions', schema: z.object({ items: z.array(SessionView) }) } },
    }, async (ctx) => {
      const principal = principalOf(ctx);
      ctx.body = { items: (await sessions.list(principal.user_id)).map((s) => toPublicSession(s, principal.session_id)) };
    })
    .delete('/me/sessions', {
      summary: 'End all your other sessions',
      tags: ['me'],
      before: may('manage_sessions'),
      responses: { 200: { description: 'How many ended', schema: z.object({ revoked_sessions: z.number() }) } },
    }, async (ctx) => {
      const principal = principalOf(ctx);
      ctx.body = { revoked_sessions: await sessions.revokeAll(principal.user_id, 'revoked_by_user', auditContext(ctx), principal.session_id) };
    })
    .delete('/me/sessions/:session_id', {
      summary: 'End one of your sessions (every service refuses its tokens within a second)',
      tags: ['me'],
      before: may('manage_sessions'),
      params: z.object({ session_id: z.uuid() }),
      responses: { 204: { description: 'Ended' } },
    }, async (ctx, { params }) => {
      await sessions.revoke(principalOf(ctx).user_id, params.session_id, auditContext(ctx));
      ctx.status = 204;
    });
}
