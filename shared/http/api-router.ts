import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import type { ProblemCode } from '../contracts/problems.js';
import type { Access, AccessGuards } from './access.js';
import { assertStorableText, parseOrThrow, requestBody } from './validation.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** A body that is not JSON (a stream, CSV, NDJSON): its media type, for the OpenAPI document. */
  contentType?: string;
}

export interface RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined> {
  summary: string;
  /** Stable name for generated clients; derived from the method and path when left out (see operationIdOf). */
  operationId?: string;
  tags?: string[];
  /** Who may call it: the router installs the guard, the gateway's table and the OpenAPI document follow from it. */
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  /** The answers with a body of their own: successes, and errors that carry more than a problem. */
  responses: Record<number, ResponseSpec>;
  /** Problem types this operation answers besides those its access and input imply (e.g. `last-admin`). */
  problems?: ProblemCode[];
  /** Middleware run after the guards and before the input is parsed (rate limits, for instance). */
  before?: Middleware[];
  /** `not-routed`: the gateway sends no client here (its own forward-auth sub-request); left out of its route table. */
  gateway?: 'not-routed';
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
  operationId: string;
  spec: RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;
}

const VERBS: Record<Method, string> = { get: 'get', post: 'create', put: 'replace', patch: 'update', delete: 'delete' };
const camel = (words: string[]) => words.map((word, i) => (i ? word[0].toUpperCase() + word.slice(1) : word)).join('');

/**
 * The default operationId, stable and unique per method and path: `GET /v1/tenants/:tenant_id/members` →
 * `listTenantsMembers`, `DELETE /v1/tenants/:tenant_id` → `deleteTenantsById`. Routes whose verb is in the path (an
 * action such as `POST /v1/auth/login`) name themselves in their spec.
 */
export function operationIdOf(method: Method, path: string): string {
  const segments = path.split('/').filter((segment) => segment && segment !== 'v1');
  const words = segments.filter((segment) => !segment.startsWith(':')).flatMap((segment) => segment.split(/[-_.]/)).filter(Boolean);
  const endsAtParam = segments.at(-1)?.startsWith(':') ?? false;
  return camel([method === 'get' && !endsAtParam ? 'list' : VERBS[method], ...words]) + (endsAtParam ? 'ById' : '');
}

/** Responses are checked against their declared schemas when this is set (the test configs set it). */
const checkResponses = () => process.env.PORTCULLIS_CHECK_RESPONSES === '1';

/**
 * A thin wrapper over @koa/router: each route declares its access and its zod schemas once. The access becomes the
 * route's guards; the schemas validate the request (400 problem+json on failure), document it in /openapi.json and,
 * in tests, check the answer.
 */
export class ApiRouter {
  readonly router: Router;
  readonly operations: Operation[] = [];

  constructor(
    readonly prefix = '',
    private readonly guards?: AccessGuards,
  ) {
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
    const fullPath = this.prefix + path;
    if (spec.access !== 'public' && !this.guards) throw new Error(`${method.toUpperCase()} ${fullPath} needs access guards: pass them to its ApiRouter`);
    this.operations.push({ method, path: fullPath, operationId: spec.operationId ?? operationIdOf(method, fullPath), spec: spec as Operation['spec'] });
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
      if (checkResponses()) assertDeclaredResponse(`${method.toUpperCase()} ${fullPath}`, spec.responses, ctx);
    };
    const guards = spec.access === 'public' ? [] : this.guards!(spec.access);
    // @koa/router's typings are stricter than Koa's plain Middleware; the runtime contract is the same.
    (this.router[method] as (path: string, ...mw: Middleware[]) => unknown)(path, ...guards, ...(spec.before ?? []), run);
    return this;
  }
}

/** In tests: a success must be a status the route declares, with a body its schema accepts. */
function assertDeclaredResponse(route: string, responses: Record<number, ResponseSpec>, ctx: Context): void {
  if (ctx.status >= 400) return;
  const declared = responses[ctx.status];
  if (!declared) throw new Error(`${route} answered ${ctx.status}, which its spec does not declare (declared: ${Object.keys(responses).join(', ')})`);
  const body: unknown = ctx.body;
  if (!declared.schema || body === null || typeof body !== 'object' || Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function') return;
  const result = declared.schema.safeParse(body);
  if (!result.success) {
    throw new Error(`${route} answered ${ctx.status} with a body its declared schema refuses: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
}
