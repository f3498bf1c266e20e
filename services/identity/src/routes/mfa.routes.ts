import { z } from 'zod';
import type { Middleware } from 'koa';
import { ApiRouter, NotFound } from '@portcullis/shared/http';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import { authorizeOwnAccount, type Authorizer } from '@portcullis/shared/authz';
import type { MfaService } from '../services/mfa.service.js';
import type { UserService } from '../services/user.service.js';

const Code = z.object({ code: z.string().trim().min(6).max(32) });

/** Second factors of the account signed in to: `account manage_mfa`, which an impersonation may not (policy.csv). */
export function mfaRoutes(mfa: MfaService, users: UserService, authorizer: Authorizer, requireAuth: Middleware): ApiRouter {
  const mayManage = [requireAuth, authorizeOwnAccount(authorizer, 'manage_mfa')];
  return new ApiRouter('/v1/me/mfa')
    .post('/totp', {
      summary: 'Start TOTP enrollment: a secret, its otpauth URI and a QR code (MFA is on after confirm)',
      tags: ['mfa'],
      before: mayManage,
      responses: { 200: { description: 'What to scan', schema: z.object({ secret: z.string(), otpauth_uri: z.string(), qr_svg: z.string() }) }, 409: { description: 'Already on' } },
    }, async (ctx) => {
      const user = await users.findById(principalOf(ctx).user_id);
      if (!user) throw new NotFound('The user no longer exists.');
      ctx.body = await mfa.enroll(user.id, user.email);
    })
    .post('/totp/confirm', {
      summary: 'Confirm with a code: MFA is on, and the 10 recovery codes are shown this once',
      tags: ['mfa'],
      before: mayManage,
      body: Code,
      responses: { 200: { description: 'Recovery codes', schema: z.object({ recovery_codes: z.array(z.string()) }) }, 400: { description: 'Wrong code' } },
    }, async (ctx, { body }) => {
      ctx.body = await mfa.confirm(principalOf(ctx).user_id, body.code, auditContext(ctx));
    })
    .delete('/totp', {
      summary: 'Turn TOTP off with a current code (or a recovery code)',
      tags: ['mfa'],
      before: mayManage,
      body: Code,
      responses: { 204: { description: 'Off' }, 400: { description: 'Wrong code' } },
    }, async (ctx, { body }) => {
      await mfa.disable(principalOf(ctx).user_id, body.code, auditContext(ctx));
      ctx.status = 204;
    });
}
