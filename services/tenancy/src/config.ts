import { z } from 'zod';
import { baseConfigSchema, duration, loadConfig } from '@portcullis/shared/config';

export const tenancyConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4002),
  IDENTITY_JWKS_URL: z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
  TOKEN_ISSUER: z.url().default('http://127.0.0.1:4001'),
  ACCESS_TOKEN_AUDIENCE: z.string().min(1).default('portcullis'),
  /** How long an invitation stays valid. */
  INVITATION_TTL: duration('48h'),
  /** Where invitation links point: `<APP_URL>/invitations/accept?token=…`. */
  APP_URL: z.url().default('http://127.0.0.1:8080'),
  /** SMTP server for invitation mail (smtp:// or smtps://); without it mail goes to the log and MAIL_OUTBOX_DIR. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('Portcullis <no-reply@portcullis.local>'),
  /** Where mail is written as .eml files when no SMTP server is configured. */
  MAIL_OUTBOX_DIR: z.string().default('.dev/mail'),
});

export type TenancyConfig = z.infer<typeof tenancyConfigSchema>;

/**
 * Whether the API hands the invitation link to the inviter: only in development and tests without SMTP, where there
 * is nobody else to deliver it. Otherwise it goes to the invited address alone, so an inviter cannot claim an email
 * they do not own.
 */
export function invitationLinkInResponse(config: Pick<TenancyConfig, 'NODE_ENV' | 'SMTP_URL'>): boolean {
  return !config.SMTP_URL && config.NODE_ENV !== 'production';
}

export function loadTenancyConfig(env: NodeJS.ProcessEnv = process.env): TenancyConfig {
  return loadConfig(tenancyConfigSchema, env);
}
