import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiRouter } from './api-router.js';
import { createHttpApp } from './create-app.js';
import { listen, type RunningServer } from './listen.js';
import { createLogger } from './logger.js';

let server: RunningServer;

beforeAll(async () => {
  const router = new ApiRouter('/v1').post('/things', {
    summary: 'Create a thing',
    access: 'public',
    body: z.object({ name: z.string().min(1), tags: z.array(z.string()).optional() }),
    responses: { 201: { description: 'Created' } },
  }, (ctx, { body }) => {
    ctx.status = 201;
    ctx.body = body;
  });
  const { app } = createHttpApp({ service: 'test', logger: createLogger('test', 'silent'), routers: [router], readiness: [] });
  server = await listen(app, 0);
});
afterAll(async () => {
  await server?.close();
});

/** A raw request (fetch would refuse some of these), answered with status, content type and parsed body. */
function send(path: string, headers: Record<string, string>, body?: Buffer | string) {
  return new Promise<{ status: number; type: string; body: { status?: number; title?: string; errors?: { path: string }[] } }>((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: 'POST', headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = { 'content-type': 'application/json' };

describe('input the shared app cannot read or store', () => {
  it('a body that is not what its content-encoding says is a 400 problem, and a real gzip body is read', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const answer = await send('/v1/things', { ...json, 'content-encoding': encoding }, '{"name":"plain"}');
      expect(answer.status, encoding).toBe(400);
      expect(answer.type).toContain('application/problem+json');
    }
    const zipped = await send('/v1/things', { ...json, 'content-encoding': 'gzip' }, gzipSync('{"name":"zipped"}'));
    expect(zipped).toMatchObject({ status: 201, body: { name: 'zipped' } });
  });

  it('headers past Node\'s limit are answered 431 as problem+json, not a bare status line', async () => {
    const answer = await send(`/v1/things?q=${'a'.repeat(20_000)}`, json, '{"name":"x"}');
    expect(answer.status).toBe(431);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
  });

  it('a NUL or an unpaired surrogate in a declared field is a 400 naming the field; paired emoji are fine', async () => {
    for (const name of ['a\\u0000b', '\\ud83d', 'x\\udfffy']) {
      const answer = await send('/v1/things', json, `{"name":"${name}"}`);
      expect(answer.status, name).toBe(400);
      expect(answer.body.errors?.map((e) => e.path)).toEqual(['body.name']);
    }
    expect((await send('/v1/things', json, '{"name":"ok","tags":["fine","\\u0000"]}')).body.errors?.map((e) => e.path)).toEqual(['body.tags.1']);
    // Undeclared fields are dropped by the schema, not refused.
    expect((await send('/v1/things', json, '{"name":"😀","extra":"\\u0000"}')).status).toBe(201);
  });
});
