import { z } from 'zod';
import { ApiRouter, clientInfo } from '@portcullis/shared/http';
import { principalOf } from '@portcullis/shared/auth';
import type { Middleware } from 'koa';
import type { AuthService } from '../services/auth.service.js';
import type { RegistrationService } from '../services/registration.service.js';

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

export const MfaRequiredResponse = z.object({ mfa_required: z.literal(true), mfa_token: z.string(), expires_in: z.number().int() });

export const RegisterBody = z.object({
  invitation_token: z.string().min(20).max(200),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(12, 'at least 12 characters').max(1024),
});

export function authRoutes(auth: AuthService, registration: RegistrationService, requireAuth: Middleware): ApiRouter {
  return new ApiRouter('/v1/auth')
    .post('/register', {
      summary: 'Sign up with an invitation: the account gets the invited email and joins the tenant',
      tags: ['auth'],
      public: true,
      body: RegisterBody,
      responses: {
        201: { description: 'Signed up and signed in', schema: TokenPairResponse.extend({ tenant_id: z.uuid(), roles: z.array(z.string()) }) },
        404: { description: 'Unknown invitation' },
        409: { description: 'An account with the invited email exists' },
        410: { description: 'The invitation was used, revoked, replaced or has expired' },
      },
    }, async (ctx, { body }) => {
      ctx.status = 201;
      ctx.body = await registration.register(body, clientInfo(ctx));
    })
    .post('/login', {
      summary: 'Sign in with email and password',
      tags: ['auth'],
      public: true,
      body: LoginBody,
      responses: {
        200: { description: 'Tokens, or with TOTP on an MFA challenge for POST /v1/auth/mfa', schema: z.union([TokenPairResponse, MfaRequiredResponse]) },
        401: { description: 'Wrong email or password' },
      },
    }, async (ctx, { body }) => {
      ctx.body = await auth.login(body.email, body.password, clientInfo(ctx));
    })
    .post('/mfa', {
      summary: 'Second step of a login with TOTP: a current code (accepted once) or a recovery code (single use)',
      tags: ['auth'],
      public: true,
      body: z.object({ mfa_token: z.string().min(20).max(200), code: z.string().trim().min(6).max(32) }),
      responses: { 200: { description: 'Tokens with amr ["pwd","otp"]', schema: TokenPairResponse }, 401: { description: 'Wrong code, or the MFA token is spent or expired' } },
    }, async (ctx, { body }) => {
      ctx.body = await auth.completeMfa(body.mfa_token, body.code, clientInfo(ctx));
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
