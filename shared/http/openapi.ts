import { z } from 'zod';
import { PROBLEMS, problemType, type ProblemCode } from '../contracts/problems.js';
import { isOwnAccount, isPermission, type Access } from './access.js';
import type { ApiRouter, Operation } from './api-router.js';

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details. `type` is one of the problem types listed under each operation (see docs/problems.md).',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri', enum: Object.keys(PROBLEMS).map((code) => problemType(code as ProblemCode)) },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete converted.$schema;
  return converted;
}

/** Turns a zod object schema into OpenAPI parameters (`in: query|path`). */
function parameters(schema: z.ZodType | undefined, location: 'query' | 'path'): unknown[] {
  if (!schema) return [];
  const converted = jsonSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(converted.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (converted.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/** The problems an operation can answer: those its access and input imply, plus the ones it declares. */
export function problemsOf(spec: Pick<Operation['spec'], 'access' | 'body' | 'query' | 'params' | 'problems'>, hasPathParams: boolean): ProblemCode[] {
  const codes = new Set<ProblemCode>();
  if (spec.body || spec.query || spec.params) codes.add('validation');
  if (spec.body) ['invalid-json', 'payload-too-large', 'unsupported-media-type'].forEach((code) => codes.add(code as ProblemCode));
  if (spec.access !== 'public') ['unauthorized', 'invalid-token'].forEach((code) => codes.add(code as ProblemCode));
  if (isPermission(spec.access) || isOwnAccount(spec.access)) codes.add('forbidden');
  if (isOwnAccount(spec.access)) codes.add('impersonation-forbidden');
  if (hasPathParams || (isPermission(spec.access) && spec.access.tenant)) codes.add('not-found');
  for (const code of spec.problems ?? []) codes.add(code);
  codes.add('unavailable');
  return [...codes];
}

function errorResponses(codes: ProblemCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) byStatus.set(PROBLEMS[code].status, [...(byStatus.get(PROBLEMS[code].status) ?? []), code]);
  const responses: Record<string, unknown> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: group.map((code) => `\`${problemType(code)}\`: ${PROBLEMS[code].description}`).join('\n\n'),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return responses;
}

function accessText(access: Access): string {
  if (access === 'public') return 'Public: no token.';
  if (access === 'authenticated') return 'Any signed-in caller; the answer is scoped to what the caller may see.';
  if (access === 'grant-tokens') return "Any signed-in caller, or a share link's grant token (answers for its one resource).";
  if (isOwnAccount(access)) return `The caller's own account; the policy decides \`${access.ownAccount}\` for the kind of session (an impersonation may not).`;
  const where = access.tenant ? `in the tenant \`{${access.tenant}}\`` : 'on the platform';
  return `The policy must allow \`${access.object} ${access.action}\` ${where}${access.self ? ` (acting on oneself, \`{${access.self}}\` = \`me\`, needs only to see the tenant)` : ''}.`;
}

/** What each tag groups, for the documents' readers. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  audit: 'The tamper-evident audit trail: query, live stream, export, chain verification.',
  auth: 'Signing in and out: password, TOTP second step, refresh rotation, sign-up with an invitation.',
  decisions: 'Policy decisions for gateways and services: may this subject do this?',
  gateway: "The gateway's forward-auth sub-request.",
  impersonation: 'Acting as another user, audited, time-boxed and ended everywhere at once.',
  infrastructure: 'Health, readiness, metrics and this document.',
  invitations: 'Inviting people into a tenant, and accepting.',
  me: "The signed-in caller's own account, sessions and tenants.",
  members: "A tenant's members and their roles.",
  mfa: "Second factors (TOTP) of the caller's own account.",
  resolve: 'Opening a share link.',
  roles: 'The roles the policy defines, with what each may do.',
  shares: 'Share links to a tenant resource: expiry, view limits, revocation, view log.',
  subjects: 'Who may do what, read from the policy.',
  tenants: 'Tenants (mandates, organizations).',
  users: 'User administration (platform).',
  'well-known': 'Keys and discovery documents at their well-known addresses.',
};

export interface OpenApiInfo {
  title: string;
  version: string;
  /** The service name: its prefix at the gateway (`/identity/…`). */
  service: string;
  description?: string;
}

/** A documented route that is not an ApiRouter operation (health, metrics, JWKS, discovery). */
export interface DocumentedRoute {
  method: 'get';
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  response: { description: string; contentType: string; schema?: Record<string, unknown> };
  /** Not routed by the gateway: only on the service's own port. */
  internal?: boolean;
}

const HEALTH: DocumentedRoute[] = [
  { method: 'get', path: '/healthz', operationId: 'healthz', summary: 'Liveness: the process answers', tags: ['infrastructure'], response: { description: '`{"status":"ok"}`', contentType: 'application/json', schema: { type: 'object', properties: { status: { const: 'ok' } } } } },
  { method: 'get', path: '/readyz', operationId: 'readyz', summary: "Readiness: every dependency answers (Postgres, NATS, the policy, revocations); 503 names the ones that don't", tags: ['infrastructure'], internal: true, response: { description: 'Ready (503 when not, with the same body)', contentType: 'application/json', schema: { type: 'object', properties: { status: { enum: ['ready', 'not_ready'] }, checks: { type: 'object', additionalProperties: { type: 'object', properties: { status: { enum: ['ok', 'down'] }, error: { type: 'string' } } } } } } } },
  { method: 'get', path: '/metrics', operationId: 'metrics', summary: 'Prometheus metrics (text exposition format)', tags: ['infrastructure'], internal: true, response: { description: 'Metrics', contentType: 'text/plain' } },
  { method: 'get', path: '/openapi.json', operationId: 'openapi', summary: 'This document', tags: ['infrastructure'], internal: true, response: { description: 'OpenAPI 3.1', contentType: 'application/json', schema: { type: 'object' } } },
];

function documentedRoute(route: DocumentedRoute) {
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.internal ? 'Only on the service\'s own port: the gateway does not route it.' : 'Public: no token.',
    tags: route.tags,
    parameters: [],
    security: [],
    responses: {
      200: { description: route.response.description, content: { [route.response.contentType]: { schema: route.response.schema ?? { type: 'string' } } } },
      ...(route.operationId === 'readyz' ? { 503: { description: 'A dependency does not answer', content: { 'application/json': { schema: { type: 'object' } } } } } : {}),
    },
  };
}

/** Builds an OpenAPI 3.1 document from the same zod schemas that validate requests and the access that guards them. */
export function buildOpenApi(info: OpenApiInfo, routers: ApiRouter[], documented: DocumentedRoute[] = []): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const { method, path, spec, operationId } of routers.flatMap((r) => r.operations)) {
    const openApiPath = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      const contentType = response.contentType ?? 'application/json';
      responses[status] = {
        description: response.description,
        ...(response.schema ? { content: { [contentType]: { schema: jsonSchema(response.schema, 'output') } } } : response.contentType ? { content: { [contentType]: { schema: { type: 'string' } } } } : {}),
      };
    }
    Object.assign(responses, errorResponses(problemsOf(spec, path.includes('/:'))));
    for (const tag of spec.tags ?? []) tags.add(tag);
    paths[openApiPath] ??= {};
    paths[openApiPath][method] = {
      operationId,
      summary: spec.summary,
      description: accessText(spec.access),
      ...(spec.tags ? { tags: spec.tags } : {}),
      parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
      responses,
      security: spec.access === 'public' ? [] : [{ bearer: [] }],
    };
  }
  for (const route of [...HEALTH, ...documented]) {
    for (const tag of route.tags) tags.add(tag);
    paths[route.path] ??= {};
    paths[route.path][route.method] = documentedRoute(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: info.description ?? `The ${info.service} service of Portcullis. Errors are RFC 9457 problem+json with a stable \`type\` per kind of problem (docs/problems.md).`,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      { url: `/${info.service}`, description: 'Through the gateway (nginx): the service prefix' },
      { url: '/', description: "The service's own port" },
    ],
    tags: [...tags].sort().map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}) })),
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
