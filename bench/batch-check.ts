// POST /v1/check/batch of 100 checks against a real authz app (real HTTP on loopback, real token verification, the
// policy loaded from the benchmark's database), beside a bare Koa endpoint that reads the same JSON body and answers
// 100 results without deciding anything (the HTTP + JSON floor). Tokens are signed with a key served from a local JWKS
// endpoint; the client runs in another process (bench/support/load-client.ts).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { text } from 'node:stream/consumers';
import Koa from 'koa';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createLogger, listen } from '@portcullis/shared/http';
import { createRuntime } from '@portcullis/shared/runtime';
import { buildAuthzApp } from '../services/authz/src/app.js';
import { loadAuthzConfig } from '../services/authz/src/config.js';
import { benchNatsKeys, removeBenchStreams, standInForIdentity, type BenchEnv } from './support/bench-env.js';
import { authzRuntimeOptions } from '../services/authz/src/runtime.js';
import { runLoadClient } from './support/run-load-client.js';

const ISSUER = 'http://bench.portcullis.test';

export interface BatchCheckOptions {
  databaseUrl: string;
  natsUrl: string;
  prefix: string;
  runId: string;
  /** The caller and the tenants it asks about (it holds a role in some of them). */
  caller: string;
  tenantIds: string[];
}

/** One round's latencies (ms): as the client sees them, and from request in to response out at the server. */
export interface BatchCheckLatencies {
  client: number[];
  server: number[];
}

export interface BatchCheckBench {
  /** `calls` sequential batch calls to authz (after `warmup` unmeasured). */
  authz(calls: number, warmup?: number): Promise<BatchCheckLatencies>;
  /** The same calls to the bare endpoint. */
  bare(calls: number, warmup?: number): Promise<BatchCheckLatencies>;
  close(): Promise<void>;
}

/** A server that records, per request, the time from the request event to the response's finish. */
function timed(server: import('node:http').Server): number[] {
  const samples: number[] = [];
  server.on('request', (_req, res) => {
    const start = performance.now();
    res.once('finish', () => samples.push(performance.now() - start));
  });
  return samples;
}

export async function startBatchCheckBench(options: BatchCheckOptions): Promise<BatchCheckBench> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' };
  const jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const auditStream = `BENCH_${options.runId.toUpperCase()}`;
  const config = loadAuthzConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: options.databaseUrl,
    NATS_URL: options.natsUrl,
    NATS_NKEY_SEED: benchNatsKeys().authz.seed,
    NATS_SUBJECT_PREFIX: options.prefix,
    AUDIT_STREAM: auditStream,
    REVOKED_SESSIONS_BUCKET: `bench_revoked_${options.runId}`,
    IDENTITY_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
    TOKEN_ISSUER: ISSUER,
  });
  const logger = createLogger('authz', 'silent');
  // No identity runs here: stand in for it (the revoked-sessions bucket, and no revocation waiting).
  const standIn = await standInForIdentity({ NATS_SUBJECT_PREFIX: options.prefix, REVOKED_SESSIONS_BUCKET: `bench_revoked_${options.runId}` });
  const runtime = await createRuntime(authzRuntimeOptions(config, logger));
  const server = await listen(buildAuthzApp(config, runtime, logger).app, 0);
  const serverSamples = timed(server.server);
  const bareApp = new Koa();
  bareApp.use(async (ctx) => {
    const { checks } = JSON.parse(await text(ctx.req)) as { checks: unknown[] };
    ctx.body = { results: checks.map(() => ({ allowed: false })) };
  });
  const bare = await listen(bareApp, 0);
  const bareSamples = timed(bare.server);

  const token = await new SignJWT({ sid: randomUUID() })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'bench', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(config.ACCESS_TOKEN_AUDIENCE)
    .setSubject(options.caller)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
  const objects: [string, string][] = [['document:1', 'read'], ['document', 'share'], ['members', 'create'], ['tenant', 'update'], ['shares', 'create']];
  const checks = Array.from({ length: 100 }, (_, i) => ({
    tenant_id: options.tenantIds[i % options.tenantIds.length],
    object: objects[i % objects.length][0],
    action: objects[i % objects.length][1],
  }));
  const body = JSON.stringify({ checks });
  const round = async (url: string, samples: number[], calls: number, warmup: number): Promise<BatchCheckLatencies> => {
    samples.length = 0;
    const list = Array.from({ length: warmup + calls }, () => ({ method: 'POST', url: `${url}/v1/check/batch`, body }));
    const client = await runLoadClient({ calls: list, token, warmup, expect: 200 });
    return { client, server: samples.slice(warmup) };
  };
  return {
    authz: (calls, warmup = 50) => round(server.url, serverSamples, calls, warmup),
    bare: (calls, warmup = 50) => round(bare.url, bareSamples, calls, warmup),
    async close() {
      await server.close();
      await bare.close();
      await runtime.close();
      await standIn.close();
      await removeBenchStreams({ env: { AUDIT_STREAM: auditStream, REVOKED_SESSIONS_BUCKET: `bench_revoked_${options.runId}` } as BenchEnv['env'] });
      jwks.close();
    },
  };
}
