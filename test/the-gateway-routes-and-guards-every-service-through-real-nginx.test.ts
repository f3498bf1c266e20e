import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNginx, startGateway, type NginxHandle } from '../deploy/dev/nginx.js';
import { freePort } from '../deploy/dev/nats-server.js';
import type { GatewayService } from '../deploy/nginx/gateway-config.js';
import {
  call,
  eventually,
  grantTokenEnv,
  startAudit,
  startAuthz,
  startIdentity,
  startSharing,
  startTenancy,
  type RunningAudit,
  type RunningAuthz,
  type RunningIdentity,
  type RunningSharing,
  type RunningTenancy,
} from './support/harness.js';
import { person, type Person } from './support/people.js';

let identity: RunningIdentity;
let tenancy: RunningTenancy;
let sharing: RunningSharing;
let audit: RunningAudit;
let authz: RunningAuthz;
let gateway: NginxHandle;
let echoGateway: NginxHandle;
let echo: Server;
let root: Person;
let stranger: Person;

const hostOf = (url: string) => new URL(url).host;

beforeAll(async () => {
  const nginx = ensureNginx(() => undefined);
  identity = await startIdentity();
  [tenancy, sharing, audit] = await Promise.all([startTenancy(identity, { MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'gw-mail-')) }), startSharing(identity), startAudit(identity)]);
  authz = await startAuthz(identity, grantTokenEnv(sharing));
  const upstreams: Record<GatewayService, string[]> = {
    identity: [hostOf(identity.url)],
    tenancy: [hostOf(tenancy.url)],
    sharing: [hostOf(sharing.url)],
    audit: [hostOf(audit.url)],
    authz: [hostOf(authz.url)],
  };
  gateway = await startGateway({ binary: nginx, dir: mkdtempSync(join(tmpdir(), 'gw-')), listen: `127.0.0.1:${await freePort()}`, upstreams, workerProcesses: 1 });
  // A second gateway whose audit and sharing upstreams echo what they receive: what reaches a service.
  echo = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const echoAddress = `127.0.0.1:${(echo.address() as { port: number }).port}`;
  echoGateway = await startGateway({
    binary: nginx,
    dir: mkdtempSync(join(tmpdir(), 'gw-echo-')),
    listen: `127.0.0.1:${await freePort()}`,
    upstreams: { ...upstreams, audit: [echoAddress], sharing: [echoAddress] },
    workerProcesses: 1,
  });
  root = await person(identity, 'gw-root', ['platform_admin']);
  stranger = await person(identity, 'gw-stranger');
  await eventually(async () => (authz.runtime.policy.enforce(root.id, 'platform', 'tenant', 'create') ? true : undefined));
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await echoGateway?.stop();
  echo?.close();
  await Promise.all([authz?.close(), audit?.close(), sharing?.close(), tenancy?.close()]);
  await identity?.close();
});

describe('the nginx gateway', () => {
  it('passes public routes without a token and stops the rest at the door with problem+json', async () => {
    const login = await call('POST', `${gateway.url}/identity/v1/auth/login`, undefined, { email: root.email, password: 'correct horse battery staple 42' });
    expect(login.status).toBe(200);
    expect(login.body.access_token).toBeTruthy();
    expect((await call('GET', `${gateway.url}/identity/.well-known/jwks.json`)).body.keys.length).toBeGreaterThan(0);
    expect((await call('GET', `${gateway.url}/tenancy/healthz`)).status).toBe(200);
    const refused = await call('GET', `${gateway.url}/tenancy/v1/tenants`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await call('GET', `${gateway.url}/tenancy/v1/tenants`, 'not-a-token')).status).toBe(401);
    expect((await call('GET', `${gateway.url}/identity/v1/not-in-the-route-table`, root.token)).status).toBe(403);
    expect((await call('GET', `${gateway.url}/elsewhere`)).status).toBe(404);
  });

  it('lets the policy decide per route, and the services answer through it', async () => {
    const slug = `gw-${process.pid}-${Date.now().toString(36)}`;
    const created = await call('POST', `${gateway.url}/tenancy/v1/tenants`, root.token, { name: `Gateway ${slug}`, slug, settings: { allow_public_shares: true } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const tenantId = created.body.id as string;
    expect((await call('POST', `${gateway.url}/tenancy/v1/tenants`, stranger.token, { name: `No ${slug}`, slug: `no-${slug}` })).status).toBe(403);
    // Another tenant's resource is 404 at the gateway, exactly like a missing one (the contract), never 403.
    const hidden = await call('GET', `${gateway.url}/tenancy/v1/tenants/${tenantId}/members`, stranger.token);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('content-type')).toContain('application/problem+json');
    expect((await call('GET', `${gateway.url}/tenancy/v1/tenants/${tenantId}/members`, root.token)).status).toBe(200);
    // A share link made and opened through the gateway; resolving is public.
    await eventually(async () => (sharing.runtime.policy.enforce(root.id, `tenant:${tenantId}`, 'document', 'share') ? true : undefined));
    const link = await call('POST', `${gateway.url}/sharing/v1/tenants/${tenantId}/shares`, root.token, { resource_type: 'document', resource_id: 'gw-1', visibility: 'public' });
    expect(link.status, JSON.stringify(link.body)).toBe(201);
    const opened = await call('GET', `${gateway.url}/sharing/v1/s/${link.body.token}`);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
    const check = await call('POST', `${gateway.url}/authz/v1/check`, opened.body.grant_token, { tenant_id: tenantId, object: 'document:gw-1', action: 'read' });
    expect(check.body.allowed).toBe(true);
    const events = await eventually(async () => {
      const page = await call('GET', `${gateway.url}/audit/v1/events?tenant_id=${tenantId}`, root.token);
      return page.body.items.length >= 2 ? page.body.items : undefined;
    });
    expect(events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['portcullis.tenancy.tenant.created', 'portcullis.sharing.share.created']));
  });

  it('tells the service who the caller is, strips the prefix, and never forwards a client-made x-auth header', async () => {
    const seen = await call('GET', `${echoGateway.url}/audit/v1/events?limit=1`, root.token, undefined, { 'x-auth-user-id': 'forged', 'x-auth-impersonator-id': 'forged' });
    expect(seen.status).toBe(200);
    expect(seen.body.url).toBe('/v1/events?limit=1');
    expect(seen.body.headers['x-auth-user-id']).toBe(root.id);
    expect(seen.body.headers['x-auth-impersonator-id']).toBeUndefined();
    expect(seen.body.headers['x-forwarded-for']).toBeTruthy();
    const tenantId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const inTenant = await call('GET', `${echoGateway.url}/sharing/v1/tenants/${tenantId}/shares`, root.token);
    expect(inTenant.body.headers['x-auth-tenant-id']).toBe(tenantId);
  });
});
