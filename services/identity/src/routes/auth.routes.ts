import { z } from 'zod';
import { ApiRouter, clientInfo } from '@portcullis/shared/http';
import { principalOf } from '@portcullis/shared/auth';
import type { Middleware } from 'koa';
import type { AuthService } from '../services/auth.service.js';

export const LoginBody = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});
export const RefreshBody = z.object({ refresh_token: z.string().min(1).max(512) });
export const TokenPairResponse = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
});

export function authRoutes(auth: AuthService, requireAuth: Middleware): ApiRouter {
  return new ApiRouter('/v1/auth')
    .post('/login', {
      summary: 'Sign in with email and password',
      tags: ['auth'],
      public: true,
      body: LoginBody,
      responses: { 200: { description: 'Tokens', schema: TokenPairResponse }, 401: { description: 'Wrong email or password' } },
    }, async (ctx, { body }) => {
      ctx.body = await auth.login(body.email, body.password, clientInfo(ctx));
    })
    .post('/refresh', {
      summary: 'Exchange a refresh token for a new pair (rotation; reuse revokes the session)',
      tags: ['auth'],
      public: true,
      body: RefreshBody,
      responses: { 200: { description: 'Tokens', schema: TokenPairResponse }, 401: { description: 'Invalid, expired or reused' } },
    }, async (ctx, { body }) => {
      ctx.body = await auth.refresh(body.refresh_token, clientInfo(ctx));
    })
    .post('/logout', {
      summary: 'End the current session',
      tags: ['auth'],
      before: [requireAuth],
      responses: { 204: { description: 'Signed out' } },
    }, async (ctx) => {
      await auth.logout(principalOf(ctx), clientInfo(ctx));
      ctx.status = 204;
    });
}
