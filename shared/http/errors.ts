/** One field-level problem in a request, as listed in a problem+json `errors` array. */
export interface FieldError {
  path: string;
  message: string;
}

/** Base class for errors that carry their HTTP status; the error middleware renders them as RFC 9457 problem+json. */
export class HttpError extends Error {
  readonly headers: Record<string, string> = {};

  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly type: string = 'about:blank',
    readonly errors?: FieldError[],
  ) {
    super(detail ?? title);
    this.name = new.target.name;
  }

  get detail(): string {
    return this.message;
  }
}

export class InvalidRequest extends HttpError {
  constructor(detail = 'The request is invalid.', errors?: FieldError[]) {
    super(400, 'Invalid request', detail, 'about:blank', errors);
  }
}

export class Unauthorized extends HttpError {
  constructor(detail = 'Authentication is required.', type?: string) {
    super(401, 'Unauthorized', detail, type);
    // RFC 6750 §3: a request without a token gets the scheme (and realm) only.
    this.headers['www-authenticate'] = 'Bearer realm="portcullis"';
  }
}

/** A bearer token was sent but is not accepted (forged, expired, revoked): RFC 6750's `invalid_token`. */
export class InvalidToken extends Unauthorized {
  constructor(detail = 'The access token is not valid.', type?: string) {
    super(detail, type);
    this.headers['www-authenticate'] = `Bearer realm="portcullis", error="invalid_token", error_description="${detail.replace(/["\\]/g, '')}"`;
  }
}

export class Forbidden extends HttpError {
  constructor(detail = 'You may not do this.', type?: string) {
    super(403, 'Forbidden', detail, type);
  }
}

export class NotFound extends HttpError {
  constructor(detail = 'The resource does not exist.') {
    super(404, 'Not Found', detail);
  }
}

export class MethodNotAllowed extends HttpError {
  constructor(allowed: string[]) {
    super(405, 'Method Not Allowed', `Allowed methods: ${allowed.join(', ')}.`);
    this.headers.allow = allowed.join(', ');
  }
}

export class Conflict extends HttpError {
  constructor(detail = 'The request conflicts with the current state.') {
    super(409, 'Conflict', detail);
  }
}

export class Gone extends HttpError {
  constructor(detail = 'The resource is no longer available.') {
    super(410, 'Gone', detail);
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'Payload Too Large', `The request body exceeds ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaType extends HttpError {
  constructor(detail = 'Send JSON with content-type application/json.') {
    super(415, 'Unsupported Media Type', detail);
  }
}

export class TooManyRequests extends HttpError {
  constructor(retryAfterSeconds: number, detail = 'Too many requests; try again later.') {
    super(429, 'Too Many Requests', detail);
    this.headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

export class ServiceUnavailable extends HttpError {
  constructor(detail = 'The service is temporarily unavailable.', retryAfterSeconds?: number) {
    super(503, 'Service Unavailable', detail);
    if (retryAfterSeconds !== undefined) this.headers['retry-after'] = String(retryAfterSeconds);
  }
}
