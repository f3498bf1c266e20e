import { problemCodeOf, type ProblemCode } from '@portcullis/shared/contracts/problems';

/** An RFC 9457 problem answered by a Portcullis API, as an Error the pages can show. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export class ApiError extends Error {
  readonly status: number;
  /** The stable problem code (`last-admin`, `already-member`, …): what pages decide on, never the status alone. */
  readonly code?: ProblemCode;
  readonly title: string;
  readonly detail?: string;
  readonly errors: { path: string; message: string }[];
  /** Seconds, from retry-after (429, 503). */
  readonly retryAfter?: number;

  constructor(status: number, problem: ProblemBody, retryAfter?: number) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problemCodeOf(problem.type);
    this.title = problem.title ?? `HTTP ${status}`;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.retryAfter = retryAfter;
  }
}

/** One line for a person: the detail, the field errors, and when to try again. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
    const parts = [error.detail ?? error.title, ...fields];
    if (error.retryAfter !== undefined) parts.push(`Try again in ${error.retryAfter} s.`);
    return parts.join(' — ');
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
