import { z } from 'zod';
import { auditContext } from '@portcullis/shared/auth';
import { CreatedUserView, pageOf, UserDetailView, UserView } from '@portcullis/shared/contracts';
import { ApiRouter, PageNumber, PageSize, type AccessGuards } from '@portcullis/shared/http';
import type { UserAdminService } from '../services/user-admin.service.js';
import { toPublicUser } from '../services/user.service.js';

const UserParams = z.object({ user_id: z.uuid() });
const users = (action: string) => ({ object: 'users', action });

/** User administration (the policy decides: `users` actions in the platform domain). */
export function userRoutes(admin: UserAdminService, guards: AccessGuards): ApiRouter {
  return new ApiRouter('/v1', guards)
    .post('/users', {
      summary: 'Create a user (without a password, one is generated and returned once)',
      tags: ['users'],
      access: users('create'),
      body: z.object({ email: z.email().max(320), name: z.string().trim().min(1).max(200), password: z.string().min(12).max(1024).optional() }),
      responses: { 201: { description: 'Created', schema: CreatedUserView } },
      problems: ['already-exists'],
    }, async (ctx, { body }) => {
      const { user, initial_password } = await admin.create(body, auditContext(ctx));
      ctx.status = 201;
      ctx.body = { ...toPublicUser(user), ...(initial_password ? { initial_password } : {}) };
    })
    .get('/users', {
      summary: 'Users, by email, with search (q: email or name) and status filter',
      tags: ['users'],
      access: users('read'),
      query: z.object({
        q: z.string().trim().min(1).max(200).optional(),
        status: z.enum(['active', 'disabled']).optional(),
        page: PageNumber,
        page_size: PageSize,
      }),
      responses: { 200: { description: 'A page of users', schema: pageOf(UserView) } },
    }, async (ctx, { query }) => {
      const page = await admin.list({ q: query.q, status: query.status, page: query.page, pageSize: query.page_size });
      ctx.body = { items: page.items.map(toPublicUser), page: query.page, page_size: query.page_size, total: page.total };
    })
    .get('/users/:user_id', {
      summary: 'One user, with their platform roles',
      tags: ['users'],
      access: users('read'),
      params: UserParams,
      responses: { 200: { description: 'The user', schema: UserDetailView } },
    }, async (ctx, { params }) => {
      const { user, platform_roles } = await admin.get(params.user_id);
      ctx.body = { ...toPublicUser(user), platform_roles };
    })
    .patch('/users/:user_id', {
      summary: 'Rename, disable or enable a user (disabling ends every session at once)',
      tags: ['users'],
      access: users('update'),
      params: UserParams,
      body: z.object({ name: z.string().trim().min(1).max(200).optional(), status: z.enum(['active', 'disabled']).optional() }).refine((b) => Object.keys(b).length > 0, 'send name or status'),
      responses: { 200: { description: 'The user', schema: UserView } },
      problems: ['last-admin'],
    }, async (ctx, { params, body }) => {
      ctx.body = toPublicUser(await admin.update(params.user_id, body, auditContext(ctx)));
    })
    .delete('/users/:user_id', {
      summary: 'Delete a user (not yourself, not the last platform admin)',
      tags: ['users'],
      access: users('delete'),
      params: UserParams,
      responses: { 204: { description: 'Deleted' } },
      problems: ['conflict', 'last-admin'],
    }, async (ctx, { params }) => {
      await admin.delete(params.user_id, auditContext(ctx));
      ctx.status = 204;
    })
    .put('/users/:user_id/platform-roles', {
      summary: "Replace a user's platform roles (grants in the platform domain); the last platform admin stays",
      operationId: 'replaceUserPlatformRoles',
      tags: ['users'],
      access: users('update'),
      params: UserParams,
      body: z.object({ roles: z.array(z.string().min(1).max(64)).max(10) }),
      responses: { 200: { description: 'The roles', schema: z.object({ roles: z.array(z.string()) }) } },
      problems: ['last-admin'],
    }, async (ctx, { params, body }) => {
      ctx.body = { roles: await admin.setPlatformRoles(params.user_id, body.roles, auditContext(ctx)) };
    });
}
