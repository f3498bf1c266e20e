// Every kind of error a Portcullis API answers, as RFC 9457 problem types: `type` is PROBLEM_BASE + the code, stable
// across releases, so clients switch on it instead of guessing from the status. docs/problems.md and every OpenAPI
// document list them from here.

export const PROBLEM_BASE = 'https://portcullis.dev/problems/';

export interface ProblemKind {
  status: number;
  title: string;
  /** When it is answered, for the documentation. */
  description: string;
}

export const PROBLEMS = {
  validation: { status: 400, title: 'Invalid request', description: 'The body, query or path does not match the operation\'s schema; `errors` names each field.' },
  'invalid-json': { status: 400, title: 'Invalid request', description: 'The body is not JSON, or cannot be decoded as its content-encoding says.' },
  'bad-request': { status: 400, title: 'Bad Request', description: 'The request could not be read as HTTP, or the gateway refused an ambiguous path (encoded slashes or dots, dot segments…).' },
  'confirmation-required': { status: 400, title: 'Confirmation required', description: 'A destructive operation needs its confirmation (for a purge, the `x-confirm-name` header with the exact name).' },
  unauthorized: { status: 401, title: 'Unauthorized', description: 'No bearer token: send `authorization: Bearer <token>`.' },
  'invalid-token': { status: 401, title: 'Unauthorized', description: 'The bearer token is not accepted: forged, expired, of the wrong kind, or its session has ended (WWW-Authenticate says invalid_token).' },
  'invalid-credentials': { status: 401, title: 'Unauthorized', description: 'The email and password (or the second-factor code, or the MFA token) are not correct. The same answer for every reason.' },
  'refresh-reused': { status: 401, title: 'Unauthorized', description: 'A refresh token that was already exchanged was presented again: the whole session has been revoked.' },
  forbidden: { status: 403, title: 'Forbidden', description: 'The policy does not allow this action to the caller here.' },
  'step-up-required': { status: 403, title: 'Forbidden', description: 'A sign-in with a second factor within the last 15 minutes is needed (impersonation).' },
  'impersonation-forbidden': { status: 403, title: 'Forbidden', description: 'An impersonation may not do this: start another impersonation, or change the credentials or sessions of the account it acts as.' },
  'public-shares-disabled': { status: 403, title: 'Forbidden', description: 'The tenant does not allow public links (`settings.allow_public_shares`).' },
  'wrong-invitee': { status: 403, title: 'Forbidden', description: 'The invitation was sent to another email address than the signed-in user\'s.' },
  'not-found': { status: 404, title: 'Not Found', description: 'No such resource, or one in a tenant the caller cannot see (the same answer on purpose).' },
  'method-not-allowed': { status: 405, title: 'Method Not Allowed', description: 'The route exists but not with this method; `allow` lists the methods.' },
  'request-timeout': { status: 408, title: 'Request Timeout', description: 'The request was not received in time.' },
  conflict: { status: 409, title: 'Conflict', description: 'The request conflicts with the current state.' },
  'already-exists': { status: 409, title: 'Conflict', description: 'Something with this name, slug or email exists already.' },
  'already-member': { status: 409, title: 'Conflict', description: 'The user (or the invited email) is already a member of the tenant.' },
  'last-admin': { status: 409, title: 'Conflict', description: 'This would leave the tenant without an admin, or the platform without a platform admin.' },
  'tenant-disabled': { status: 409, title: 'Conflict', description: 'The tenant is disabled: it takes no changes.' },
  gone: { status: 410, title: 'Gone', description: 'The invitation or link was used, revoked, replaced or has expired, or the link is out of views.' },
  'payload-too-large': { status: 413, title: 'Payload Too Large', description: 'The body is over 1 MiB.' },
  'unsupported-media-type': { status: 415, title: 'Unsupported Media Type', description: 'Send JSON with `content-type: application/json`.' },
  'header-too-large': { status: 431, title: 'Request Header Fields Too Large', description: 'The request headers are too large.' },
  'rate-limited': { status: 429, title: 'Too Many Requests', description: 'Too many attempts (sign-ins, password checks, link resolves); `retry-after` says when to try again.' },
  internal: { status: 500, title: 'Internal Server Error', description: 'An unexpected error; its details stay in the service\'s log (by request id).' },
  'not-implemented': { status: 501, title: 'Not Implemented', description: 'The method is not supported.' },
  unavailable: { status: 503, title: 'Service Unavailable', description: 'A dependency (Postgres, NATS, another service) cannot be reached, or revocations or the policy cannot be relied on right now; `retry-after` says when to try again.' },
} as const satisfies Record<string, ProblemKind>;

export type ProblemCode = keyof typeof PROBLEMS;

export function problemType(code: ProblemCode): string {
  return `${PROBLEM_BASE}${code}`;
}

/** The code of a problem `type`, when it is one of ours. */
export function problemCodeOf(type: string | undefined): ProblemCode | undefined {
  if (!type?.startsWith(PROBLEM_BASE)) return undefined;
  const code = type.slice(PROBLEM_BASE.length);
  return code in PROBLEMS ? (code as ProblemCode) : undefined;
}

/** The general code for a status (an error from a library that carries only a status). */
export function problemCodeForStatus(status: number): ProblemCode {
  const general: Partial<Record<number, ProblemCode>> = {
    400: 'bad-request', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 405: 'method-not-allowed', 408: 'request-timeout', 409: 'conflict',
    410: 'gone', 413: 'payload-too-large', 415: 'unsupported-media-type', 429: 'rate-limited', 431: 'header-too-large', 501: 'not-implemented', 503: 'unavailable',
  };
  return general[status] ?? (status >= 500 ? 'internal' : 'bad-request');
}
