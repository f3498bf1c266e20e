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

// NUL, or half of a surrogate pair: no Postgres text or jsonb value can hold it, and no person types it.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Throws a 400 naming the first string (value or key) in parsed input that Postgres could not store, where it would
 * otherwise fail as a 500 deep in a handler. Iterative, so deeply nested input cannot exhaust the stack.
 */
export function assertStorableText(value: unknown, location: 'body' | 'query'): void {
  interface Item { value: unknown; key: string; parent?: Item }
  const pathOf = (item: Item): string => {
    const keys: string[] = [];
    for (let at: Item | undefined = item; at; at = at.parent) keys.unshift(at.key);
    return keys.join('.');
  };
  const refuse = (item: Item): never => {
    throw new InvalidRequest(`The request ${location} has text with a NUL character or an unpaired surrogate.`, [{ path: pathOf(item), message: 'contains a NUL character or an unpaired surrogate' }]);
  };
  const pending: Item[] = [{ value, key: location }];
  while (pending.length) {
    const item = pending.pop()!;
    if (typeof item.value === 'string') {
      if (UNSTORABLE.test(item.value)) refuse(item);
    } else if (item.value !== null && typeof item.value === 'object') {
      for (const [key, child] of Object.entries(item.value)) {
        const next = { value: child, key, parent: item };
        if (UNSTORABLE.test(key)) refuse(next);
        pending.push(next);
      }
    }
  }
}

/** Reads the JSON body the body parser left on the request; `undefined` when none was sent. */
export function requestBody(ctx: Context): unknown {
  return (ctx.request as unknown as { body?: unknown }).body;
}
