import type { TokenPair } from '@portcullis/shared/contracts/views';
import { ApiError, type ProblemBody } from './problem';
import { session } from './session';

/** Every call goes to the gateway's public routes on this origin: /identity, /tenancy, /sharing, /audit, /authz. */
export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Call without a bearer even when signed in (sign-in, public links). */
  anonymous?: boolean;
  /** Use this bearer instead of the session's (ending an impersonation with its own token). */
  bearer?: string;
}

export async function call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The raw response (exports, downloads), after the same auth and error handling. */
export async function send(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  let response = await attempt(method, path, options);
  if (response.status === 401 && !options.anonymous && !options.bearer && !session.get()?.impersonation && (await refreshOnce())) {
    response = await attempt(method, path, options);
  }
  if (!response.ok) throw await toError(response);
  return response;
}

function attempt(method: string, path: string, options: CallOptions): Promise<Response> {
  const bearer = options.anonymous ? undefined : (options.bearer ?? session.bearer());
  return fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

export async function toError(response: Response): Promise<ApiError> {
  let problem: ProblemBody;
  try {
    problem = (await response.json()) as ProblemBody;
  } catch {
    problem = { title: response.statusText };
  }
  const retryAfter = response.headers.get('retry-after');
  return new ApiError(response.status, problem, retryAfter ? Number(retryAfter) : undefined);
}

let refreshing: Promise<boolean> | undefined;

/** Refresh tokens rotate on every use: one refresh at a time, shared by the calls that need it. */
export function refreshOnce(): Promise<boolean> {
  refreshing ??= (async () => {
    const current = session.get();
    if (!current?.tokens.refresh_token) return false;
    const response = await fetch('/identity/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: current.tokens.refresh_token }),
    });
    if (!response.ok) {
      session.set(undefined);
      return false;
    }
    const tokens = (await response.json()) as TokenPair;
    session.set({ ...session.get()!, tokens: { access_token: tokens.access_token, refresh_token: tokens.refresh_token } });
    return true;
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}
