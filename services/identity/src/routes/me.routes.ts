import { z } from 'zod';
import type { Middleware } from 'koa';
import { ApiRouter, NotFound } from '@portcullis/shared/http';
import { principalOf } from '@portcullis/shared/auth';
import { toPublicUser, type UserService } from '../services/user.service.js';

export const UserResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  created_at: z.string(),
  updated_at: z.string(),
});

export function meRoutes(users: UserService, requireAuth: Middleware): ApiRouter {
  return new ApiRouter('/v1').get('/me', {
    summary: 'The signed-in user',
    tags: ['me'],
    before: [requireAuth],
    responses: { 200: { description: 'The user', schema: UserResponse } },
  }, async (ctx) => {
    const principal = principalOf(ctx);
    const user = await users.findById(principal.user_id);
    if (!user) throw new NotFound('The user no longer exists.');
    ctx.body = { ...toPublicUser(user), ...(principal.impersonator_id ? { impersonator_id: principal.impersonator_id } : {}) };
  });
}
