// `make dev`: the whole system on this machine. Reuses or starts Postgres and NATS, migrates, creates the bootstrap
// platform admin, starts every service, prints where everything is, and stops all it started on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { bootstrapAdmin } from './bootstrap-admin.js';
import { buildConsole } from './console.js';
import { ensureInfra, InfraError, type Infra } from './infra.js';
import { natsEnvOf } from './project-nats.js';
import type { NatsUser } from '../nats/permissions.js';
import { migrateAll } from './migrate-all.js';
import { ensureNginx, startGateway, type NginxHandle } from './nginx.js';
import { GATEWAY_SERVICES, type GatewayService } from '../nginx/gateway-config.js';
import { seedPolicy } from './seed-policy.js';
import { DEFAULT_NATS_AUTH } from '../nats/permissions.js';
import { devKeyEncryptionSecret } from './dev-secrets.js';

interface ServiceSpec {
  name: string;
  port: number;
  entry: string;
  env?: Record<string, string>;
}

const env = process.env;
const adminEmail = env.BOOTSTRAP_ADMIN_EMAIL || 'admin@example.com';
const identityPort = Number(env.IDENTITY_PORT || 4001);
const tenancyPort = Number(env.TENANCY_PORT || 4002);
const sharingPort = Number(env.SHARING_PORT || 4003);
const auditPort = Number(env.AUDIT_PORT || 4004);
const authzPort = Number(env.AUTHZ_PORT || 4005);
const issuer = env.ISSUER || `http://127.0.0.1:${identityPort}`;
const gatewayPort = Number(env.GATEWAY_PORT || 8080);
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
const sharingUrl = `http://127.0.0.1:${sharingPort}`;
const trustIdentity = { TOKEN_ISSUER: issuer, IDENTITY_JWKS_URL: `http://127.0.0.1:${identityPort}/.well-known/jwks.json` };

const services: ServiceSpec[] = [
  { name: 'identity', port: identityPort, entry: 'services/identity/src/main.ts', env: { ISSUER: issuer } },
  {
    name: 'tenancy',
    port: tenancyPort,
    entry: 'services/tenancy/src/main.ts',
    // Invitation mail links to the console's accept page.
    env: { ...trustIdentity, APP_URL: env.APP_URL || gatewayUrl },
  },
  {
    name: 'sharing',
    port: sharingPort,
    entry: 'services/sharing/src/main.ts',
    env: { ...trustIdentity, GRANT_TOKEN_ISSUER: sharingUrl, PUBLIC_URL: env.SHARING_PUBLIC_URL || `${gatewayUrl}/sharing` },
  },
  {
    name: 'audit',
    port: auditPort,
    entry: 'services/audit/src/main.ts',
    env: trustIdentity,
  },
  {
    name: 'authz',
    port: authzPort,
    entry: 'services/authz/src/main.ts',
    env: { ...trustIdentity, GRANT_TOKEN_ISSUER: sharingUrl, SHARING_JWKS_URL: `${sharingUrl}/.well-known/jwks.json` },
  },
];

const colors = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];
const children: ChildProcess[] = [];
let infra: Infra | undefined;
let gateway: NginxHandle | undefined;
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  console.log('\nstopping…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
  await gateway?.stop();
  await infra?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not healthy after ${timeoutMs} ms`);
}

try {
  infra = await ensureInfra({ log: (line) => console.log(`[infra] ${line}`), nats: { auth: DEFAULT_NATS_AUTH, preferPort: 4222 } });
  const nats = infra.nats!;
  const keyEncryptionSecret = env.KEY_ENCRYPTION_SECRET || devKeyEncryptionSecret('.dev/key-encryption-secret');
  const applied = await migrateAll(infra.databaseUrl);
  for (const [service, names] of Object.entries(applied)) console.log(`[migrate] ${service}: ${names.length ? names.join(', ') : 'up to date'}`);
  const seeded = await seedPolicy(infra.databaseUrl);
  console.log(`[policy] ${seeded.changed ? `applied policies/policy.csv (version ${seeded.version}, +${seeded.added.length} -${seeded.removed.length})` : 'stored policy matches policies/policy.csv'}`);
  const admin = await bootstrapAdmin(infra.databaseUrl, adminEmail, env.BOOTSTRAP_ADMIN_PASSWORD || undefined);

  services.forEach((service, index) => {
    const child = spawn(process.execPath, ['--import', 'tsx', service.entry], {
      env: {
        ...env,
        ...service.env,
        NODE_ENV: env.NODE_ENV || 'development',
        PORT: String(service.port),
        DATABASE_URL: infra!.databaseUrl,
        // Each service is its own NATS user, allowed only its own subjects.
        ...natsEnvOf(nats, service.name as NatsUser),
        KEY_ENCRYPTION_SECRET: keyEncryptionSecret,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const label = `${colors[index % colors.length]}${service.name.padEnd(9)}\x1b[0m|`;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => console.log(`${label} ${line}`));
    }
    child.on('exit', (code, signal) => {
      if (stopping) return;
      console.error(`${service.name} exited (${signal ?? code}); stopping everything`);
      void stopAll(1);
    });
  });
  await Promise.all(services.map((s, i) => waitHealthy(`http://127.0.0.1:${s.port}/healthz`, children[i])));
  const upstreams = Object.fromEntries(
    GATEWAY_SERVICES.map((name) => [name, [`127.0.0.1:${services.find((s) => s.name === name)!.port}`]]),
  ) as Record<GatewayService, string[]>;
  const consoleRoot = await buildConsole();
  console.log(`[console] built ${consoleRoot}`);
  gateway = await startGateway({ binary: ensureNginx((line) => console.log(`[gateway] ${line}`)), dir: '.dev/nginx', listen: `127.0.0.1:${gatewayPort}`, upstreams, consoleRoot });

  const lines = [
    '',
    'Portcullis is running.',
    `  console   ${gatewayUrl}/   (the admin console: sign in as the platform admin below)`,
    `  gateway   ${gatewayUrl}   (nginx: /identity/, /tenancy/, /sharing/, /audit/, /authz/, each call checked by authz forward-auth)`,
    ...services.map((s) => `  ${s.name.padEnd(9)} http://127.0.0.1:${s.port}   (openapi: /openapi.json, health: /healthz, /readyz, /metrics)`),
    `  JWKS      http://127.0.0.1:${identityPort}/.well-known/jwks.json (access tokens), ${sharingUrl}/.well-known/jwks.json (share grant tokens)`,
    `  Postgres  ${infra.databaseUrl.replace(/:[^:@/]+@/, ':***@')}`,
    `  NATS      ${nats.url} (stream AUDIT, subjects audit.>; each service its own NKey user, keys in ${nats.keysFile})`,
    ...infra.started.map((s) => `  started   ${s}`),
    `  Mail      invitation mail is written to .dev/mail/ (set SMTP_URL to send it)`,
    '',
    `  Platform admin: ${admin.email}`,
    admin.generatedPassword
      ? `  Password:       ${admin.generatedPassword}   (generated now and shown only this once)`
      : admin.created
        ? '  Password:       from BOOTSTRAP_ADMIN_PASSWORD'
        : '  Password:       unchanged (the admin already existed)',
    '',
    `  Try: curl -s -X POST ${gatewayUrl}/identity/v1/auth/login -H 'content-type: application/json' \\`,
    `         -d '{"email":"${admin.email}","password":"…"}'`,
    '',
    'Ctrl-C stops everything started here.',
    '',
  ];
  console.log(lines.join('\n'));
} catch (error) {
  console.error(error instanceof InfraError ? error.message : error);
  await stopAll(1);
}
