// make bench: issue 8's gateway target — nginx with auth_request to authz's forward-auth, against the same nginx doing
// auth_request to a bare Koa endpoint that only answers 200 (the pattern's own ceiling), and nginx with no auth at
// all; the same upstream (a bare Koa 200) and the same load tool (autocannon, in another process) for all three.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Koa from 'koa';
import { dropDatabase } from '@portcullis/shared/db';
import { createLogger, listen } from '@portcullis/shared/http';
import { createRuntime } from '@portcullis/shared/runtime';
import { ensureNginx, startGateway } from '../deploy/dev/nginx.js';
import { freePort, waitForPort } from '../deploy/dev/nats-server.js';
import { GATEWAY_SERVICES, type GatewayService } from '../deploy/nginx/gateway-config.js';
import { buildAuthzApp } from '../services/authz/src/app.js';
import { loadAuthzConfig } from '../services/authz/src/config.js';
import { authzEntities } from '../services/authz/src/entities/index.js';
import { authzMigrations } from '../services/authz/src/migrations/index.js';
import { buildIdentityApp } from '../services/identity/src/app.js';
import { loadIdentityConfig } from '../services/identity/src/config.js';
import { identityEntities } from '../services/identity/src/entities/index.js';
import { identityMigrations } from '../services/identity/src/migrations/index.js';
import { tokensOf } from '../services/identity/src/services/auth.service.js';
import { prepareBenchEnv, removeBenchStreams } from './support/bench-env.js';
import { writeSection, type Result } from './support/report.js';
import { runThroughputClient, type Throughput } from './support/run-throughput-client.js';

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = 20;
const ISSUER = 'http://identity.bench.portcullis.test';

function bareKoa(): Koa {
  const app = new Koa();
  app.use((ctx) => {
    ctx.status = 200;
    ctx.body = { ok: true };
  });
  return app;
}

/** nginx straight to the upstream: the ceiling of nginx → Koa here. */
async function plainNginx(binary: string, upstream: string): Promise<{ url: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-plain-'));
  const port = await freePort();
  const user = process.getuid?.() === 0 ? 'user root root;\n' : '';
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${dir}/${k}_temp;`).join(' ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${user}worker_processes auto; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http { access_log off; ${temp}
  upstream app { server ${upstream}; keepalive 64; }
  server { listen 127.0.0.1:${port}; location / { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://app; } } }`,
  );
  const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  await waitForPort('127.0.0.1', port);
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

async function main() {
  const bench = await prepareBenchEnv('G');
  const { runId, databaseUrl, env } = bench;
  const logger = createLogger('bench', 'silent');
  const nginx = ensureNginx((line) => process.stderr.write(`${line}\n`));
  const identityConfig = loadIdentityConfig({ ...env, ISSUER });
  const identityRuntime = await createRuntime({ service: 'identity', config: identityConfig, logger, entities: identityEntities, migrations: identityMigrations });
  const identity = buildIdentityApp(identityConfig, identityRuntime, logger);
  const identityServer = await listen(identity.app, 0);
  const authzConfig = loadAuthzConfig({ ...env, TOKEN_ISSUER: ISSUER, IDENTITY_JWKS_URL: `${identityServer.url}/.well-known/jwks.json` });
  const authzRuntime = await createRuntime({ service: 'authz', config: authzConfig, logger, entities: authzEntities, migrations: authzMigrations });
  const authz = buildAuthzApp(authzConfig, authzRuntime, logger);
  const authzServer = await listen(authz.app, 0, '127.0.0.1');
  const upstream = await listen(bareKoa(), 0, '127.0.0.1');
  const bareAuth = await listen(bareKoa(), 0, '127.0.0.1');
  const host = (url: string) => new URL(url).host;
  const everyServiceAt = (address: string) => Object.fromEntries(GATEWAY_SERVICES.map((s) => [s, [address]])) as Record<GatewayService, string[]>;
  const plain = await plainNginx(nginx, host(upstream.url));
  const withBareAuth = await startGateway({ binary: nginx, dir: mkdtempSync(join(tmpdir(), 'gw-bare-')), listen: `127.0.0.1:${await freePort()}`, upstreams: { ...everyServiceAt(host(upstream.url)), authz: [host(bareAuth.url)] } });
  const withForwardAuth = await startGateway({ binary: nginx, dir: mkdtempSync(join(tmpdir(), 'gw-fa-')), listen: `127.0.0.1:${await freePort()}`, upstreams: { ...everyServiceAt(host(upstream.url)), authz: [host(authzServer.url)] } });
  try {
    const user = await identity.users.create({ email: `gw-${runId}@bench.test`, name: 'Bench', password: 'bench password, long enough' }, { actor: { user_id: null }, request_id: 'bench' });
    const { access_token: token } = tokensOf(await identity.auth.login(user.email, 'bench password, long enough', { request_id: 'bench' }));
    const headers = { authorization: `Bearer ${token}` };
    // An authenticated route of the table (any valid token): forward-auth verifies the token and checks the session.
    const path = '/tenancy/v1/me/tenants';
    const probe = await fetch(`${withForwardAuth.url}${path}`, { headers });
    if (probe.status !== 200) throw new Error(`forward-auth answered ${probe.status}`);
    const load = (url: string, seconds: number) => runThroughputClient({ urls: [url], connections: CONNECTIONS, durationSeconds: seconds, headers });
    for (const url of [`${plain.url}${path}`, `${withBareAuth.url}${path}`, `${withForwardAuth.url}${path}`]) await load(url, 2);
    const runs: [string, Throughput][] = [
      ['nginx → Koa 200, no auth', await load(`${plain.url}${path}`, SECONDS)],
      ['nginx auth_request → bare Koa 200 → Koa 200', await load(`${withBareAuth.url}${path}`, SECONDS)],
      ['nginx auth_request → authz /v1/forward-auth → Koa 200', await load(`${withForwardAuth.url}${path}`, SECONDS)],
    ];
    for (const [name, run] of runs) if (run.non2xx || run.errors) throw new Error(`${name}: ${run.non2xx} non-2xx, ${run.errors} errors`);
    const [none, bare, forward] = runs.map(([, run]) => run);
    const rate = (t: Throughput) => `${Math.round(t.requestsPerSecond).toLocaleString('en')}/s`;
    const ratio = forward.requestsPerSecond / bare.requestsPerSecond;
    const results: Result[] = [
      {
        name: `Forward-auth through nginx: ${runs[2][0]} (${rate(forward)}, p50 ${forward.p50} ms, p99 ${forward.p99} ms) vs ${runs[1][0]} (${rate(bare)}, p99 ${bare.p99} ms)`,
        value: `${(ratio * 100).toFixed(0)}%`,
        target: '≥ 80% of the bare auth_request setup',
        ok: ratio >= 0.8,
      },
      { name: `For scale: ${runs[0][0]} (p50 ${none.p50} ms)`, value: `${rate(none)}, p99 ${none.p99} ms`, target: 'reported', ok: true },
    ];
    writeSection('gateway', 'Gateway forward-auth (issue 8)', 'node --import tsx bench/gateway.bench.ts', results, [
      `${CONNECTIONS} connections for ${SECONDS} s each, after a 2 s warm-up; route ${path} (any valid token): forward-auth maps it with policies/routes.yaml,`,
      'verifies the access token (cached after the first verification) and checks the session is not revoked. nginx from Debian, worker_processes auto;',
      'authz, the bare auth endpoint and the upstream run in the bench process; autocannon in a child process.',
    ].join('\n'));
  } finally {
    plain.stop();
    await withBareAuth.stop();
    await withForwardAuth.stop();
    await Promise.all([upstream.close(), bareAuth.close(), authzServer.close(), identityServer.close()]);
    identity.stop();
    await removeBenchStreams(bench, identityRuntime.nc);
    await authzRuntime.close();
    await identityRuntime.close();
    await dropDatabase(databaseUrl);
  }
}

await main();
process.exit(0);
