import { z } from 'zod';
import { principalOf } from '@portcullis/shared/auth';
import { MfaRequiredView, RegisteredView, TokenPairView } from '@portcullis/shared/contracts';
import { ApiRouter, clientInfo, type AccessGuards } from '@portcullis/shared/http';
import type { AuthService } from '../services/auth.service.js';
import type { RegistrationService } from '../services/registration.service.js';

export const LoginBody = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});
export const RefreshBody = z.object({ refresh_token: z.string().min(1).max(512) });

export const RegisterBody = z.object({
  invitation_token: z.string().min(20).max(200),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(12, 'at least 12 characters').max(1024),
});

export function authRoutes(auth: AuthService, registration: RegistrationService, guards: AccessGuards): ApiRouter {
  return new ApiRouter('/v1/auth', guards)
    .post('/register', {
      summary: 'Sign up with an invitation: the account gets the invited email and joins the tenant',
      operationId: 'register',
      tags: ['auth'],
      access: 'public',
      body: RegisterBody,
      responses: { 201: { description: 'Signed up and signed in', schema: RegisteredView } },
      problems: ['not-found', 'already-exists', 'gone'],
    }, async (ctx, { body }) => {
      ctx.status = 201;
      ctx.body = await registration.register(body, clientInfo(ctx));
    })
    .post('/login', {
      summary: 'Sign in with email and password',
      operationId: 'login',
      tags: ['auth'],
      access: 'public',
      body: LoginBody,
      responses: { 200: { description: 'Tokens, or with TOTP on an MFA challenge for POST /v1/auth/mfa', schema: z.union([TokenPairView, MfaRequiredView]) } },
      problems: ['invalid-credentials', 'rate-limited'],
    }, async (ctx, { body }) => {
      ctx.body = await auth.login(body.email, body.password, clientInfo(ctx));
    })
    .post('/mfa', {
      summary: 'Second step of a login with TOTP: a current code (accepted once) or a recovery code (single use)',
      operationId: 'loginMfa',
      tags: ['auth'],
      access: 'public',
      body: z.object({ mfa_token: z.string().min(20).max(200), code: z.string().trim().min(6).max(32) }),
      responses: { 200: { description: 'Tokens with amr ["pwd","otp"]', schema: TokenPairView } },
      problems: ['invalid-credentials', 'rate-limited'],
    }, async (ctx, { body }) => {
      ctx.body = await auth.completeMfa(body.mfa_token, body.code, clientInfo(ctx));
    })
    .post('/refresh', {
      summary: 'Exchange a refresh token for a new pair (rotation; reuse revokes the session)',
      operationId: 'refresh',
      tags: ['auth'],
      access: 'public',
      body: RefreshBody,
      responses: { 200: { description: 'Tokens', schema: TokenPairView } },
      problems: ['invalid-credentials', 'refresh-reused'],
    }, async (ctx, { body }) => {
      ctx.body = await auth.refresh(body.refresh_token, clientInfo(ctx));
    })
    .post('/logout', {
      summary: 'End the current session',
      operationId: 'logout',
      tags: ['auth'],
      access: 'authenticated',
      responses: { 204: { description: 'Signed out' } },
    }, async (ctx) => {
      await auth.logout(principalOf(ctx), clientInfo(ctx));
      ctx.status = 204;
    });
}
