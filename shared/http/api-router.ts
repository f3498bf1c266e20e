import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import { assertStorableText, parseOrThrow, requestBody } from './validation.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

export interface RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined> {
  summary: string;
  tags?: string[];
  body?: B;
  query?: Q;
  params?: P;
  responses: Record<number, ResponseSpec>;
  /** Middleware run before the input is parsed (authentication, guards). */
  before?: Middleware[];
  /** Documented as needing no bearer token. */
  public?: boolean;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<B, Q, P> {
  body: Parsed<B>;
  query: Parsed<Q>;
  params: Parsed<P>;
}

export type RouteHandler<B, Q, P> = (ctx: Context, input: RouteInput<B, Q, P>) => Promise<void> | void;

export interface Operation {
  method: Method;
  path: string;
  spec: RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;
}

/**
 * A thin wrapper over @koa/router: each route declares its zod schemas once, and they both validate the request
 * (400 problem+json on failure) and document it in /openapi.json.
 */
export class ApiRouter {
  readonly router: Router;
  readonly operations: Operation[] = [];

  constructor(readonly prefix = '') {
    this.router = new Router(prefix ? { prefix } : {});
  }

  get<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined>(
    path: string, spec: RouteSpec<B, Q, P>, handler: RouteHandler<B, Q, P>): this {
    return this.add('get', path, spec, handler);
  }

  post<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined>(
    path: string, spec: RouteSpec<B, Q, P>, handler: RouteHandler<B, Q, P>): this {
    return this.add('post', path, spec, handler);
  }

  put<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined>(
    path: string, spec: RouteSpec<B, Q, P>, handler: RouteHandler<B, Q, P>): this {
    return this.add('put', path, spec, handler);
  }

  patch<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined>(
    path: string, spec: RouteSpec<B, Q, P>, handler: RouteHandler<B, Q, P>): this {
    return this.add('patch', path, spec, handler);
  }

  delete<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined>(
    path: string, spec: RouteSpec<B, Q, P>, handler: RouteHandler<B, Q, P>): this {
    return this.add('delete', path, spec, handler);
  }

  private add<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined>(
    method: Method, path: string, spec: RouteSpec<B, Q, P>, handler: RouteHandler<B, Q, P>): this {
    this.operations.push({ method, path: this.prefix + path, spec: spec as Operation['spec'] });
    const run: Middleware = async (ctx) => {
      const input = {
        body: spec.body ? parseOrThrow(spec.body, requestBody(ctx) ?? {}, 'body') : undefined,
        query: spec.query ? parseOrThrow(spec.query, ctx.query, 'query') : undefined,
        params: spec.params ? parseOrThrow(spec.params, (ctx as unknown as { params: unknown }).params, 'params') : undefined,
      } as RouteInput<B, Q, P>;
      // After parsing: only what the route declared (and so may store or search for) is checked. Path parameters are
      // ids the schemas pin down, or text only looked up (a mistyped share link stays a 404).
      assertStorableText(input.body, 'body');
      assertStorableText(input.query, 'query');
      await handler(ctx, input);
    };
    // @koa/router's typings are stricter than Koa's plain Middleware; the runtime contract is the same.
    (this.router[method] as (path: string, ...mw: Middleware[]) => unknown)(path, ...(spec.before ?? []), run);
    return this;
  }
}
