import { z } from 'zod';
import { auditContext, principalOf } from '@portcullis/shared/auth';
import { RecoveryCodesView, TotpEnrollmentView } from '@portcullis/shared/contracts';
import { ApiRouter, NotFound, type AccessGuards } from '@portcullis/shared/http';
import type { MfaService } from '../services/mfa.service.js';
import type { UserService } from '../services/user.service.js';

const Code = z.object({ code: z.string().trim().min(6).max(32) });
/** Second factors of the account signed in to: `manage_mfa`, which an impersonation may not (policy.csv). */
const manageMfa = { ownAccount: 'manage_mfa' };

export function mfaRoutes(mfa: MfaService, users: UserService, guards: AccessGuards): ApiRouter {
  return new ApiRouter('/v1/me/mfa', guards)
    .post('/totp', {
      summary: 'Start TOTP enrollment: a secret, its otpauth URI and a QR code (MFA is on after confirm)',
      operationId: 'enrollTotp',
      tags: ['mfa'],
      access: manageMfa,
      responses: { 200: { description: 'What to scan', schema: TotpEnrollmentView } },
      problems: ['conflict'],
    }, async (ctx) => {
      const user = await users.findById(principalOf(ctx).user_id);
      if (!user) throw new NotFound('The user no longer exists.');
      ctx.body = await mfa.enroll(user.id, user.email);
    })
    .post('/totp/confirm', {
      summary: 'Confirm with a code: MFA is on, and the 10 recovery codes are shown this once (a wrong code is 400)',
      operationId: 'confirmTotp',
      tags: ['mfa'],
      access: manageMfa,
      body: Code,
      responses: { 200: { description: 'Recovery codes', schema: RecoveryCodesView } },
      problems: ['conflict', 'not-found'],
    }, async (ctx, { body }) => {
      ctx.body = await mfa.confirm(principalOf(ctx).user_id, body.code, auditContext(ctx));
    })
    .delete('/totp', {
      summary: 'Turn TOTP off with a current code (or a recovery code; a wrong code is 400)',
      operationId: 'disableTotp',
      tags: ['mfa'],
      access: manageMfa,
      body: Code,
      responses: { 204: { description: 'Off' } },
      problems: ['not-found'],
    }, async (ctx, { body }) => {
      await mfa.disable(principalOf(ctx).user_id, body.code, auditContext(ctx));
      ctx.status = 204;
    });
}
