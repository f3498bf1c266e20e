import type { Context } from 'koa';
import { z } from 'zod';
import { InvalidRequest, type FieldError } from './errors.js';

export function zodIssuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
}

/** Parses `value` with `schema` or throws a 400 naming each bad field under `location`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, location: 'body' | 'query' | 'params'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = zodIssuesToFieldErrors(result.error.issues).map((e) => ({
    path: e.path === '(root)' ? location : `${location}.${e.path}`,
    message: e.message,
  }));
  throw new InvalidRequest(`The request ${location} is invalid.`, errors);
}

/** Reads the JSON body the body parser left on the request; `undefined` when none was sent. */
export function requestBody(ctx: Context): unknown {
  return (ctx.request as unknown as { body?: unknown }).body;
}
