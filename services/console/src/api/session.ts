import { readClaims, type TokenClaims } from './jwt';

/**
 * The signed-in user's tokens, and an impersonation while one lasts. Kept in sessionStorage: one tab, gone with it.
 * Not the server's `TokenPair` (the answer to sign-in and refresh, in @portcullis/shared/contracts/views): only the
 * two tokens are kept.
 */
export interface StoredTokens {
  access_token: string;
  refresh_token?: string;
}

export interface ActiveImpersonation {
  session_id: string;
  access_token: string;
  expires_at: string;
  reason: string;
  target_user: { id: string; email: string; name?: string };
}

export interface Session {
  tokens: StoredTokens;
  impersonation?: ActiveImpersonation;
}

const KEY = 'portcullis.console.session';
type Listener = (session: Session | undefined) => void;
const listeners = new Set<Listener>();

function read(): Session | undefined {
  const stored = sessionStorage.getItem(KEY);
  if (!stored) return undefined;
  try {
    return JSON.parse(stored) as Session;
  } catch {
    return undefined;
  }
}

let current: Session | undefined = read();

export const session = {
  get: (): Session | undefined => current,
  set(next: Session | undefined): void {
    current = next;
    if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
    else sessionStorage.removeItem(KEY);
    for (const listener of listeners) listener(next);
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** The token calls are made with: the impersonation's while one lasts. */
  bearer: (): string | undefined => current?.impersonation?.access_token ?? current?.tokens.access_token,
  /** The signed-in user's own claims (never the impersonated user's). */
  ownClaims: (): TokenClaims | undefined => (current ? readClaims(current.tokens.access_token) : undefined),
  /** Whose eyes the console looks through now. */
  actingClaims: (): TokenClaims | undefined => {
    const bearer = session.bearer();
    return bearer ? readClaims(bearer) : undefined;
  },
};
