import type { Context, Next } from 'koa';
import { ZodError } from 'zod';
import { isDependencyUnavailable } from './dependency-errors.js';
import { problemCodeForStatus } from '../contracts/problems.js';
import { HttpError, InternalError, InvalidRequest, PayloadTooLarge, ServiceUnavailable } from './errors.js';
import { zodIssuesToFieldErrors } from './validation.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

interface StatusCarrier {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
}

/** Maps anything thrown below into an HttpError; unknown errors become an opaque 500. */
export function toHttpError(error: unknown, bodyLimitBytes: number): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ZodError) return new InvalidRequest('The request is invalid.', zodIssuesToFieldErrors(error.issues));
  const carrier = (error ?? {}) as StatusCarrier;
  const status = carrier.status ?? carrier.statusCode;
  if (status === 413 || carrier.type === 'entity.too.large') return new PayloadTooLarge(bodyLimitBytes);
  if (carrier.type === 'entity.parse.failed' || (status === 400 && error instanceof SyntaxError)) {
    return new InvalidRequest('The request body is not valid JSON.', undefined, 'invalid-json');
  }
  if (typeof status === 'number' && status >= 400 && status < 500 && carrier.expose !== false) {
    return new HttpError(problemCodeForStatus(status), (error as Error).message || 'Client error');
  }
  if (isDependencyUnavailable(error)) return new ServiceUnavailable('A dependency of the service is unreachable; try again shortly.', 2);
  return new InternalError();
}

/** The single place that turns errors into RFC 9457 problem+json; 5xx details never leave the process. */
export function problemMiddleware(bodyLimitBytes: number) {
  return async function renderProblems(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (error) {
      const problem = toHttpError(error, bodyLimitBytes);
      if (problem.status >= 500) {
        ctx.state.logError = error;
      }
      ctx.status = problem.status;
      ctx.set(problem.headers);
      ctx.type = PROBLEM_CONTENT_TYPE;
      ctx.body = {
        type: problem.type,
        title: problem.title,
        status: problem.status,
        detail: problem.detail,
        instance: ctx.path,
        ...(problem.errors ? { errors: problem.errors } : {}),
      };
    }
  };
}
