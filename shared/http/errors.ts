import { PROBLEMS, problemType, type ProblemCode } from '../contracts/problems.js';

/** One field-level problem in a request, as listed in a problem+json `errors` array. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * Base class for errors that carry their HTTP status and their stable problem code (shared/contracts/problems.ts); the
 * error middleware renders them as RFC 9457 problem+json with `type` = the code's URI.
 */
export class HttpError extends Error {
  readonly headers: Record<string, string> = {};
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ProblemCode,
    detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? PROBLEMS[code].title);
    this.name = new.target.name;
    this.status = PROBLEMS[code].status;
    this.title = PROBLEMS[code].title;
  }

  get type(): string {
    return problemType(this.code);
  }

  get detail(): string {
    return this.message;
  }
}

export class InvalidRequest extends HttpError {
  constructor(detail = 'The request is invalid.', errors?: FieldError[], code: Extract<ProblemCode, 'validation' | 'invalid-json' | 'confirmation-required' | 'bad-request'> = 'validation') {
    super(code, detail, errors);
  }
}

export class Unauthorized extends HttpError {
  constructor(detail = 'Authentication is required.', code: Extract<ProblemCode, 'unauthorized' | 'invalid-token' | 'invalid-credentials' | 'refresh-reused'> = 'unauthorized') {
    super(code, detail);
    // RFC 6750 §3: a request without a token gets the scheme (and realm) only.
    this.headers['www-authenticate'] = 'Bearer realm="portcullis"';
  }
}

/** A bearer token was sent but is not accepted (forged, expired, revoked): RFC 6750's `invalid_token`. */
export class InvalidToken extends Unauthorized {
  constructor(detail = 'The access token is not valid.') {
    super(detail, 'invalid-token');
    this.headers['www-authenticate'] = `Bearer realm="portcullis", error="invalid_token", error_description="${detail.replace(/["\\]/g, '')}"`;
  }
}

export class Forbidden extends HttpError {
  constructor(detail = 'You may not do this.', code: Extract<ProblemCode, 'forbidden' | 'step-up-required' | 'impersonation-forbidden' | 'public-shares-disabled' | 'wrong-invitee'> = 'forbidden') {
    super(code, detail);
  }
}

export class NotFound extends HttpError {
  constructor(detail = 'The resource does not exist.') {
    super('not-found', detail);
  }
}

export class MethodNotAllowed extends HttpError {
  constructor(allowed: string[]) {
    super('method-not-allowed', `Allowed methods: ${allowed.join(', ')}.`);
    this.headers.allow = allowed.join(', ');
  }
}

export class Conflict extends HttpError {
  constructor(detail = 'The request conflicts with the current state.', code: Extract<ProblemCode, 'conflict' | 'already-exists' | 'already-member' | 'last-admin' | 'tenant-disabled'> = 'conflict') {
    super(code, detail);
  }
}

export class Gone extends HttpError {
  constructor(detail = 'The resource is no longer available.') {
    super('gone', detail);
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(limitBytes: number) {
    super('payload-too-large', `The request body exceeds ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaType extends HttpError {
  constructor(detail = 'Send JSON with content-type application/json.') {
    super('unsupported-media-type', detail);
  }
}

export class TooManyRequests extends HttpError {
  constructor(retryAfterSeconds: number, detail = 'Too many requests; try again later.') {
    super('rate-limited', detail);
    this.headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

export class ServiceUnavailable extends HttpError {
  constructor(detail = 'The service is temporarily unavailable.', retryAfterSeconds?: number) {
    super('unavailable', detail);
    if (retryAfterSeconds !== undefined) this.headers['retry-after'] = String(retryAfterSeconds);
  }
}

export class InternalError extends HttpError {
  constructor() {
    super('internal', 'An unexpected error occurred.');
  }
}

export class NotImplemented extends HttpError {
  constructor() {
    super('not-implemented', 'That method is not supported.');
  }
}
