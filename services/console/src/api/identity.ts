import type { Me, MfaRequired, RecoveryCodes, Registered, Session, TokenPair, TotpEnrollment } from '@portcullis/shared/contracts/views';
import { call } from './client';
import { session } from './session';

/** `Me` (GET /me) carries `impersonator_id` while the caller is being impersonated. */
export type { Me, TokenPair, TotpEnrollment };

/** One of the signed-in user's sessions (the server's `Session`; named apart from the console's own session store). */
export type SignInSession = Session;

export type LoginAnswer = TokenPair | MfaRequired;

/** Registration accepts the invitation too: the answer names the tenant joined and the roles it gave. */
export type { Registered };

export type { RecoveryCodes };

export const identity = {
  login: (email: string, password: string) => call<LoginAnswer>('POST', '/identity/v1/auth/login', { body: { email, password }, anonymous: true }),
  mfa: (mfa_token: string, code: string) => call<TokenPair>('POST', '/identity/v1/auth/mfa', { body: { mfa_token, code }, anonymous: true }),
  register: (invitation_token: string, name: string, password: string) =>
    call<Registered>('POST', '/identity/v1/auth/register', { body: { invitation_token, name, password }, anonymous: true }),
  logout: () => call<void>('POST', '/identity/v1/auth/logout'),
  me: () => call<Me>('GET', '/identity/v1/me'),
  startTotp: () => call<TotpEnrollment>('POST', '/identity/v1/me/mfa/totp'),
  confirmTotp: (code: string) => call<RecoveryCodes>('POST', '/identity/v1/me/mfa/totp/confirm', { body: { code } }),
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
