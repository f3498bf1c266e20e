import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, sign } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@portcullis/shared/config';
import { freePort, type NatsServerHandle } from '../../../deploy/dev/nats-server.js';
import { loadAuditConfig } from '../../../services/audit/src/config.js';
import { loadAuthzConfig } from '../../../services/authz/src/config.js';
import { loadIdentityConfig } from '../../../services/identity/src/config.js';
import { loadSharingConfig } from '../../../services/sharing/src/config.js';
import { loadTenancyConfig } from '../../../services/tenancy/src/config.js';
import {
  call,
  eventually,
  startAuthz,
  startEveryService,
  startIdentity,
  startTenancy,
  testEnv,
  type EveryService,
  type RunningAuthz,
  type RunningIdentity,
  type RunningTenancy,
} from '../../support/harness.js';
import { ownDatabase, type OwnDatabase } from '../../support/own-database.js';
import { person, PERSON_PASSWORD, signInWithTotp, type Person } from '../../support/people.js';
import { startTestNatsServer } from '../../support/test-nats.js';
import { AttackTally, recordAttack } from './support.js';

// Finding 11 (low), each opening tried again: forward-auth reading a header the client chose, token answers a cache
// could keep, 401s that do not say how to authenticate, a built-in key-encryption secret, a forged kid costing a
// database read per request, services listening everywhere, and revocations that fail open while NATS is down.
const SUITE = 'the-small-openings-stay-closed';
const TESTS = 6;

let services: EveryService;
let traefikAuthz: RunningAuthz;
let root: Person;
let tenantId: string;
const tally = new AttackTally();
let passed = 0;

beforeAll(async () => {
  services = await startEveryService();
  traefikAuthz = await startAuthz(services.identity, { GATEWAY: 'traefik' });
  root = await person(services.identity, 'small-root', ['platform_admin']);
  await eventually(async () => (services.tenancy.runtime.policy.enforce(root.id, 'platform', 'tenant', 'create') ? true : undefined));
  const slug = `small-${Date.now().toString(36)}`;
  tenantId = (await call('POST', `${services.tenancy.url}/v1/tenants`, root.token, { name: `Small ${slug}`, slug })).body.id;
  await eventually(async () => (traefikAuthz.runtime.policy.enforce(root.id, `tenant:${tenantId}`, 'tenant', 'read') ? true : undefined));
}, 60_000);

afterAll(async () => {
  if (passed === TESTS) {
    recordAttack({ suite: SUITE, title: 'Attack: the smaller openings (finding 11)', finding: 11, tried: tally.tried, gotIn: tally.gotIn });
  }
  await traefikAuthz?.close();
  await services?.close();
});

describe('the smaller openings', () => {
  it("forward-auth judges only the call its gateway describes, never a client's copy of the other headers", async () => {
    const stranger = await person(services.identity, 'small-stranger');
    const ask = (url: string, headers: Record<string, string>) => call('GET', `${url}/v1/forward-auth`, stranger.token, undefined, headers);
    // Behind Traefik, a client's x-original-uri naming a public route changes nothing: Traefik's x-forwarded-uri is judged.
    const behindTraefik = await ask(traefikAuthz.url, { 'x-original-method': 'POST', 'x-original-uri': '/identity/v1/auth/login', 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/identity/v1/users' });
    expect(tally.attempt(behindTraefik.status === 403)).toBe(true);
    // Behind nginx, a client's x-forwarded-uri is never read.
    const behindNginx = await ask(services.authz.url, { 'x-original-method': 'GET', 'x-original-uri': '/identity/v1/users', 'x-forwarded-method': 'POST', 'x-forwarded-uri': '/identity/v1/auth/login' });
    expect(tally.attempt(behindNginx.status === 403)).toBe(true);
    // Another tenant is 404 (Traefik passes forward-auth's answer on; nginx gets it as 403 + x-auth-status: 404).
    expect(tally.attempt((await ask(traefikAuthz.url, { 'x-forwarded-method': 'GET', 'x-forwarded-uri': `/tenancy/v1/tenants/${tenantId}` })).status === 404)).toBe(true);
    const nginx404 = await ask(services.authz.url, { 'x-original-method': 'GET', 'x-original-uri': `/tenancy/v1/tenants/${tenantId}` });
    expect(tally.attempt(nginx404.status === 403 && nginx404.headers.get('x-auth-status') === '404')).toBe(true);
    passed++;
  });

  it('answers tokens with Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1)', async () => {
    const who = await person(services.identity, 'small-cache');
    const login = await call('POST', `${services.identity.url}/v1/auth/login`, undefined, { email: who.email, password: PERSON_PASSWORD });
    const refresh = await call('POST', `${services.identity.url}/v1/auth/refresh`, undefined, { refresh_token: login.body.refresh_token });
    const target = await person(services.identity, 'small-target');
    const impersonation = await call('POST', `${services.identity.url}/v1/impersonation`, await signInWithTotp(services.identity.url, root), { target_user_id: target.id, reason: 'cache headers' });
    const grant = await call('GET', `${services.identity.url}/v1/me`, who.token);
    for (const [what, answer] of [['login', login], ['refresh', refresh], ['impersonation', impersonation], ['me', grant]] as const) {
      expect(answer.status, what).toBeLessThan(300);
      expect(tally.attempt(answer.headers.get('cache-control') === 'no-store' && answer.headers.get('pragma') === 'no-cache'), what).toBe(true);
    }
    passed++;
  });

  it('says how to authenticate on every 401: the Bearer scheme, and invalid_token when a token was refused', async () => {
    const missing = await call('GET', `${services.tenancy.url}/v1/me/tenants`);
    expect(missing.status).toBe(401);
    expect(tally.attempt(missing.headers.get('www-authenticate') === 'Bearer realm="portcullis"')).toBe(true);
    for (const url of [services.identity.url, services.tenancy.url, services.sharing.url, services.audit.url, services.authz.url]) {
      const path = url === services.identity.url ? '/v1/me' : url === services.tenancy.url ? '/v1/me/tenants' : url === services.audit.url ? '/v1/events' : url === services.authz.url ? '/v1/subjects/x/permissions' : `/v1/tenants/${tenantId}/shares`;
      const refused = await call('GET', `${url}${path}`, 'not.a.token');
      expect(refused.status, url).toBe(401);
      expect(tally.attempt(/^Bearer realm="portcullis", error="invalid_token"/.test(refused.headers.get('www-authenticate') ?? '')), `${url}: ${refused.headers.get('www-authenticate')}`).toBe(true);
    }
    passed++;
  });

  it('starts no service that encrypts secrets without KEY_ENCRYPTION_SECRET, in development too, and none in production without its NATS credentials', () => {
    const without = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'KEY_ENCRYPTION_SECRET'));
    for (const [name, load] of [['identity', loadIdentityConfig], ['sharing', loadSharingConfig]] as const) {
      for (const NODE_ENV of ['development', 'test', 'production']) {
        expect(tally.attempt(throwsConfigError(() => load(without(testEnv({ NODE_ENV }, name))), 'KEY_ENCRYPTION_SECRET')), `${name} ${NODE_ENV}`).toBe(true);
      }
    }
    const loaders = { identity: loadIdentityConfig, tenancy: loadTenancyConfig, sharing: loadSharingConfig, audit: loadAuditConfig, authz: loadAuthzConfig };
    for (const [name, load] of Object.entries(loaders)) {
      const env = Object.fromEntries(Object.entries(testEnv({ NODE_ENV: 'production' }, name as keyof typeof loaders)).filter(([k]) => k !== 'NATS_NKEY_SEED'));
      expect(tally.attempt(throwsConfigError(() => load(env), 'NATS_NKEY_SEED')), name).toBe(true);
      // And every service listens on loopback unless told otherwise (containers set HOST=0.0.0.0).
      expect(tally.attempt(load(testEnv({}, name as keyof typeof loaders)).HOST === '127.0.0.1'), name).toBe(true);
    }
    passed++;
  });

  it('costs identity no database read per request for tokens naming keys it does not have', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const before = services.identity.signingKeys.keyReads;
    const claims = decodeJwt(root.token);
    for (let i = 0; i < 50; i++) {
      const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: `forged-${i}-${Date.now()}` })).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ ...claims, jti: `forged-${i}` })).toString('base64url');
      const token = `${header}.${payload}.${sign(null, Buffer.from(`${header}.${payload}`), privateKey).toString('base64url')}`;
      expect((await call('GET', `${services.identity.url}/v1/me`, token)).status).toBe(401);
    }
    const reads = services.identity.signingKeys.keyReads - before;
    expect(tally.attempt(reads <= 1), `${reads} reads of the keys for 50 forged kids`).toBe(true);
    passed++;
  });

  it('refuses tokens (503) and says so in /readyz while it cannot hear revocations, and loses no sign-out made meanwhile', async () => {
    const database: OwnDatabase = await ownDatabase('deaf');
    const storeDir = mkdtempSync(join(tmpdir(), 'nats-deaf-'));
    const port = await freePort();
    let nats: NatsServerHandle = await startTestNatsServer({ port, storeDir });
    let identity: RunningIdentity | undefined;
    let tenancy: RunningTenancy | undefined;
    try {
      const env = { ...database.env, NATS_URL: nats.url, REVOCATIONS_MAX_OUTAGE: '1s', POLICY_MAX_NATS_OUTAGE: '60s' };
      identity = await startIdentity(env);
      tenancy = await startTenancy(identity, { ...env, MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'deaf-mail-')) });
      const who = await person(identity, 'deaf');
      const leaving = await person(identity, 'deaf-leaving');
      const tenants = (token = who.token) => call('GET', `${tenancy!.url}/v1/me/tenants`, token);
      expect((await tenants()).status).toBe(200);
      expect((await tenants(leaving.token)).status).toBe(200);
      await nats.stop();
      // Signed out while NATS is down: identity commits it (and its message for every service) all the same.
      expect((await call('POST', `${identity.url}/v1/auth/logout`, leaving.token)).status).toBe(204);
      const refused = await eventually(async () => {
        const answer = await tenants();
        return answer.status === 503 ? answer : undefined;
      }, 5000, 100);
      expect(tally.attempt(refused.status === 503)).toBe(true);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.headers.get('retry-after')).toBeTruthy();
      const ready = await call('GET', `${tenancy.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.checks.revocations.status).toBe('down');
      nats = await startTestNatsServer({ port, storeDir });
      await eventually(async () => ((await tenants()).status === 200 ? true : undefined), 15_000, 200);
      expect((await call('GET', `${tenancy.url}/readyz`)).body.checks.revocations.status).toBe('ok');
      // The sign-out made during the outage reached tenancy: that session stays refused.
      const late = await eventually(async () => {
        const answer = await tenants(leaving.token);
        return answer.status === 503 ? undefined : answer;
      }, 5000, 100);
      expect(tally.attempt(late.status === 401), `a session signed out during the outage: ${late.status}`).toBe(true);
    } finally {
      await tenancy?.close();
      await identity?.close();
      await nats.stop();
      rmSync(storeDir, { recursive: true, force: true });
      await database.drop();
    }
    passed++;
  }, 60_000);

});

function throwsConfigError(load: () => unknown, variable: string): boolean {
  try {
    load();
    return false;
  } catch (error) {
    return error instanceof ConfigError && error.message.includes(variable);
  }
}
