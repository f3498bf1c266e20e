import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiRouter } from './api-router.js';
import { createHttpApp } from './create-app.js';
import { Conflict } from './errors.js';
import { listen, type RunningServer } from './listen.js';
import { createLogger } from './logger.js';

let server: RunningServer;
let ready = true;

beforeAll(async () => {
  const router = new ApiRouter('/v1')
    .post('/things', {
      summary: 'Create a thing',
      access: 'public',
      body: z.object({ name: z.string().min(1), size: z.number().int().positive() }),
      responses: { 201: { description: 'Created', schema: z.object({ name: z.string() }) } },
    }, (ctx, { body }) => {
      ctx.status = 201;
      ctx.body = { name: body.name };
    })
    .get('/things/:id', {
      summary: 'Get a thing',
      access: 'public',
      params: z.object({ id: z.uuid() }),
      responses: { 200: { description: 'The thing' } },
    }, (ctx, { params }) => {
      if (params.id === '00000000-0000-4000-8000-000000000000') throw new Conflict('taken');
      ctx.body = { id: params.id };
    })
    .get('/boom', { summary: 'Fails', access: 'public', responses: {} }, () => {
      throw new Error('database password is hunter2');
    })
    .get('/liar', { summary: 'Answers what it does not declare', access: 'public', responses: { 200: { description: 'A name', schema: z.object({ name: z.string() }) } } }, (ctx) => {
      ctx.body = { name: 42 };
    })
    .post('/undeclared', { summary: 'Answers a status it does not declare', access: 'public', responses: { 200: { description: 'OK' } } }, (ctx) => {
      ctx.status = 202;
      ctx.body = { queued: true };
    });
  const { app } = createHttpApp({
    service: 'test',
    logger: createLogger('test', 'silent'),
    routers: [router],
    readiness: [{ name: 'dependency', check: async () => { if (!ready) throw new Error('down'); } }],
  });
  server = await listen(app, 0);
});
afterAll(async () => {
  await server?.close();
});

const url = (path: string) => `${server.url}${path}`;

describe('the shared Koa app', () => {
  it('echoes a sane x-request-id and makes one when absent', async () => {
    expect((await fetch(url('/healthz'), { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id')).toBe('abc-123');
    expect((await fetch(url('/healthz'))).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(url('/healthz'), { headers: { 'x-request-id': 'bad id\twith tab' } })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('turns zod failures into 400 problem+json naming each field', async () => {
    const response = await fetch(url('/v1/things'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ size: -1 }) });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { errors: { path: string }[]; status: number; title: string };
    expect(problem.status).toBe(400);
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['body.name', 'body.size']);
  });

  it('validates path parameters', async () => {
    expect((await fetch(url('/v1/things/not-a-uuid'))).status).toBe(400);
  });

  it('renders error classes with their status', async () => {
    const response = await fetch(url('/v1/things/00000000-0000-4000-8000-000000000000'));
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ title: 'Conflict', detail: 'taken', status: 409 });
  });

  it('in tests, answers 500 when a route answers a body its declared schema refuses, or a status it does not declare', async () => {
    expect(process.env.PORTCULLIS_CHECK_RESPONSES).toBe('1');
    expect((await fetch(url('/v1/liar'))).status).toBe(500);
    expect((await fetch(url('/v1/undeclared'), { method: 'POST' })).status).toBe(500);
    expect((await fetch(url('/v1/things'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ok', size: 1 }) })).status).toBe(201);
  });

  it('hides the details of a 500', async () => {
    const response = await fetch(url('/v1/boom'));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toMatchObject({ status: 500, title: 'Internal Server Error' });
  });

  it('answers 404 for an unknown route and 405 for a wrong method, as problem+json', async () => {
    const missing = await fetch(url('/v1/nothing-here'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const wrongMethod = await fetch(url('/v1/things'), { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('POST');
  });

  it('refuses a 2 MiB body with 413, malformed JSON with 400 and a non-JSON body with 415', async () => {
    const big = await fetch(url('/v1/things'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), size: 1 }) });
    expect(big.status).toBe(413);
    const malformed = await fetch(url('/v1/things'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(malformed.status).toBe(400);
    const text = await fetch(url('/v1/things'), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
  });

  it('reports readiness from its checks', async () => {
    expect((await fetch(url('/readyz'))).status).toBe(200);
    ready = false;
    const down = await fetch(url('/readyz'));
    ready = true;
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'not_ready', checks: { dependency: { status: 'down' } } });
  });

  it('counts requests by route template in /metrics', async () => {
    await fetch(url('/v1/things/3f1e6f55-3a3c-4b8e-9a4e-2b1f0c1d2e3f'));
    const metrics = await (await fetch(url('/metrics'))).text();
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/v1\/things\/:id"[^}]*\} \d+/);
    expect(metrics).toContain('http_request_duration_seconds_bucket');
    expect(metrics).not.toContain('3f1e6f55');
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const doc = (await (await fetch(url('/openapi.json'))).json()) as Record<string, any>;
    expect(doc.openapi).toBe('3.1.0');
    const create = doc.paths['/v1/things'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['name', 'size']);
    expect(doc.paths['/v1/things/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
  });
});
