import { call } from './client';
import { session, type TokenPair } from './session';

export interface Me {
  id: string;
  email: string;
  name: string;
  status: string;
  created_at: string;
  /** Present while the caller is being impersonated. */
  impersonator_id?: string;
}

export interface SignInSession {
  id: string;
  current: boolean;
  amr: string[];
  auth_time: string;
  created_at: string;
  expires_at: string;
  last_refreshed_at: string | null;
  ip: string | null;
  user_agent: string | null;
}

export type LoginAnswer = (TokenPair & { token_type: string; expires_in: number }) | { mfa_required: true; mfa_token: string };

export const identity = {
  login: (email: string, password: string) => call<LoginAnswer>('POST', '/identity/v1/auth/login', { body: { email, password }, anonymous: true }),
  mfa: (mfa_token: string, code: string) => call<TokenPair>('POST', '/identity/v1/auth/mfa', { body: { mfa_token, code }, anonymous: true }),
  register: (invitation_token: string, name: string, password: string) =>
    // Registration accepts the invitation too: the answer names the tenant joined.
    call<TokenPair & { tenant_id?: string; roles?: string[] }>('POST', '/identity/v1/auth/register', { body: { invitation_token, name, password }, anonymous: true }),
  logout: () => call<void>('POST', '/identity/v1/auth/logout'),
  me: () => call<Me>('GET', '/identity/v1/me'),
  startTotp: () => call<{ secret: string; otpauth_uri: string; qr_svg: string }>('POST', '/identity/v1/me/mfa/totp'),
  confirmTotp: (code: string) => call<{ recovery_codes: string[] }>('POST', '/identity/v1/me/mfa/totp/confirm', { body: { code } }),
  disableTotp: (code: string) => call<void>('DELETE', '/identity/v1/me/mfa/totp', { body: { code } }),
  sessions: () => call<{ items: SignInSession[] }>('GET', '/identity/v1/me/sessions'),
  endSession: (id: string) => call<void>('DELETE', `/identity/v1/me/sessions/${encodeURIComponent(id)}`),
};

/** Signs in: stores the tokens, or answers the MFA token when a TOTP code is needed next. */
export async function signIn(email: string, password: string): Promise<{ mfaToken?: string }> {
  const answer = await identity.login(email, password);
  if ('mfa_required' in answer) return { mfaToken: answer.mfa_token };
  session.set({ tokens: { access_token: answer.access_token, refresh_token: answer.refresh_token } });
  return {};
}

export async function completeMfa(mfaToken: string, code: string): Promise<void> {
  const tokens = await identity.mfa(mfaToken, code);
  // A step-up keeps an impersonation out: signing in again starts from the user's own eyes.
  session.set({ tokens: { access_token: tokens.access_token, refresh_token: tokens.refresh_token } });
}

export async function signOut(): Promise<void> {
  try {
    await identity.logout();
  } finally {
    session.set(undefined);
  }
}
