import type { Impersonation, ImpersonationStarted } from '@portcullis/shared/contracts/views';
import { call } from './client';
import { completeMfa, identity } from './identity';
import type { TokenClaims } from './jwt';
import { session } from './session';

/**
 * One impersonation as the identity service lists it (platform admins and auditors). `end_reason`: "ended",
 * "replaced" (a newer one by the same admin), "expired", ...
 */
export type ImpersonationSession = Impersonation;

export type StartedImpersonation = ImpersonationStarted;

export interface StartImpersonation {
  target_user_id: string;
  reason: string;
  duration_minutes?: number;
}

export type SessionFilter = 'active' | 'ended' | 'all';

/** The identity service caps an impersonation at 30 minutes (it silently shortens longer asks). */
export const MAX_IMPERSONATION_MINUTES = 30;
/** Impersonation needs a TOTP sign-in this recent (identity's STEP_UP_WINDOW_S). */
const STEP_UP_WINDOW_S = 15 * 60;
/** Leave a margin so the form does not offer a start the API would refuse a few seconds later. */
const STEP_UP_MARGIN_S = 30;

const ACTIVE_QUERY: Record<SessionFilter, string> = { active: '?active=true', ended: '?active=false', all: '' };

export const impersonation = {
  start: (input: StartImpersonation) => call<StartedImpersonation>('POST', '/identity/v1/impersonation', { body: input }),
  sessions: (filter: SessionFilter) =>
    call<{ items: ImpersonationSession[] }>('GET', `/identity/v1/impersonation/sessions${ACTIVE_QUERY[filter]}`),
  get: (id: string) => call<ImpersonationSession>('GET', `/identity/v1/impersonation/sessions/${encodeURIComponent(id)}`),
};

/** Whether the admin's own token carries a second factor recent enough to start an impersonation. */
export function hasFreshSecondFactor(claims: TokenClaims | undefined, nowMs: number): boolean {
  if (!claims?.amr?.includes('otp') || claims.auth_time === undefined) return false;
  return nowMs / 1000 - claims.auth_time <= STEP_UP_WINDOW_S - STEP_UP_MARGIN_S;
}

/** Starts the impersonation and switches the console to the impersonated user's eyes. */
export async function startImpersonation(input: StartImpersonation): Promise<StartedImpersonation> {
  const started = await impersonation.start(input);
  const current = session.get();
  if (!current) throw new Error('Signed out while starting the impersonation.');
  session.set({
    ...current,
    impersonation: {
      session_id: started.session_id,
      access_token: started.access_token,
      expires_at: started.expires_at,
      reason: input.reason,
      target_user: started.target_user,
    },
  });
  return started;
}

export class NoTotpEnrolledError extends Error {
  constructor() {
    super('This account has no authenticator (TOTP) set up, so it cannot confirm a second factor.');
    this.name = 'NoTotpEnrolledError';
  }
}

/** Signs in again with password and TOTP code: the new tokens carry amr otp and a fresh auth_time. */
export async function stepUp(email: string, password: string, code: string): Promise<void> {
  const answer = await identity.login(email, password);
  if (!('mfa_required' in answer)) {
    // A password alone was enough, so no TOTP is enrolled: drop the extra session this sign-in opened.
    await call('POST', '/identity/v1/auth/logout', { bearer: answer.access_token }).catch(() => undefined);
    throw new NoTotpEnrolledError();
  }
  await completeMfa(answer.mfa_token, code);
}
