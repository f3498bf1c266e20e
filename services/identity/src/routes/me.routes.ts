import { z } from 'zod';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import { MeView, RevokedSessionsView, SessionView, UserView } from '@portcullis/shared/contracts';
import { ApiRouter, clientInfo, NotFound, type AccessGuards } from '@portcullis/shared/http';
import type { ProfileService } from '../services/profile.service.js';
import { toPublicSession, type SessionService } from '../services/session.service.js';
import { toPublicUser, type UserService } from '../services/user.service.js';

/** The own-account routes: the policy decides for the caller's kind of session (an impersonation may not take the account over). */
export function meRoutes(users: UserService, profile: ProfileService, sessions: SessionService, guards: AccessGuards): ApiRouter {
  return new ApiRouter('/v1', guards)
    .get('/me', {
      summary: 'The signed-in user',
      operationId: 'getMe',
      tags: ['me'],
      access: { ownAccount: 'read' },
      responses: { 200: { description: 'The user (with impersonator_id during an impersonation)', schema: MeView } },
    }, async (ctx) => {
      const principal = principalOf(ctx);
      const user = await users.findById(principal.user_id);
      if (!user) throw new NotFound('The user no longer exists.');
      ctx.body = { ...toPublicUser(user), ...(principal.impersonator_id ? { impersonator_id: principal.impersonator_id } : {}) };
    })
    .patch('/me', {
      summary: 'Change your name',
      operationId: 'updateMe',
      tags: ['me'],
      access: { ownAccount: 'update' },
      body: z.object({ name: z.string().trim().min(1).max(200) }),
      responses: { 200: { description: 'The user', schema: UserView } },
    }, async (ctx, { body }) => {
      ctx.body = toPublicUser(await profile.rename(principalOf(ctx).user_id, body.name, auditContext(ctx)));
    })
    .put('/me/password', {
      summary: 'Change your password; your other sessions end. A wrong current password is 400 and counts like a failed sign-in (429 when too many)',
      operationId: 'changeMyPassword',
      tags: ['me'],
      access: { ownAccount: 'change_password' },
      body: z.object({ current_password: z.string().min(1).max(1024), new_password: z.string().min(12, 'at least 12 characters').max(1024) }),
      responses: { 200: { description: 'Changed', schema: RevokedSessionsView } },
      problems: ['rate-limited'],
    }, async (ctx, { body }) => {
      const principal = principalOf(ctx);
      ctx.body = await profile.changePassword(principal.user_id, principal.session_id, body.current_password, body.new_password, auditContext(ctx), clientInfo(ctx));
    })
    .get('/me/sessions', {
      summary: 'Your active sessions (the one of this token is marked current)',
      operationId: 'listMySessions',
      tags: ['me'],
      access: { ownAccount: 'read' },
      responses: { 200: { description: 'Sessions', schema: z.object({ items: z.array(SessionView) }) } },
    }, async (ctx) => {
      const principal = principalOf(ctx);
      ctx.body = { items: (await sessions.list(principal.user_id)).map((s) => toPublicSession(s, principal.session_id)) };
    })
    .delete('/me/sessions', {
      summary: 'End all your other sessions',
      operationId: 'endMyOtherSessions',
      tags: ['me'],
      access: { ownAccount: 'manage_sessions' },
      responses: { 200: { description: 'How many ended', schema: RevokedSessionsView } },
    }, async (ctx) => {
      const principal = principalOf(ctx);
      ctx.body = { revoked_sessions: await sessions.revokeAll(principal.user_id, 'revoked_by_user', auditContext(ctx), principal.session_id) };
    })
    .delete('/me/sessions/:session_id', {
      summary: 'End one of your sessions (every service refuses its tokens within a second)',
      operationId: 'endMySession',
      tags: ['me'],
      access: { ownAccount: 'manage_sessions' },
      params: z.object({ session_id: z.uuid() }),
      responses: { 204: { description: 'Ended' } },
    }, async (ctx, { params }) => {
      await sessions.revoke(principalOf(ctx).user_id, params.session_id, auditContext(ctx));
      ctx.status = 204;
    });
}
