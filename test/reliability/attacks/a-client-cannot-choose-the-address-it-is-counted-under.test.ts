import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNginx, startGateway, type NginxHandle } from '../../../deploy/dev/nginx.js';
import { freePort } from '../../../deploy/dev/nats-server.js';
import {
  call,
  eventually,
  grantTokenEnv,
  startAuthz,
  startIdentity,
  startSharing,
  startTenancy,
  type RunningAuthz,
  type RunningIdentity,
  type RunningSharing,
  type RunningTenancy,
} from '../../support/harness.js';
import { ownDatabase, type OwnDatabase } from '../../support/own-database.js';
import { person, type Person } from '../../support/people.js';
import { AttackTally, recordAttack } from './support.js';

// Finding 5 (medium): services took the leftmost X-Forwarded-For and nginx appended to the client's, so a client chose
// its own address: no per-source lock, no share-resolve limit, any `ip` in the audit trail, and a victim's address
// locked out. Now nginx writes the peer it saw and services trust exactly one hop. A database of the suite's own: it
// locks its loopback source.
const SUITE = 'a-client-cannot-choose-the-address-it-is-counted-under';
const PER_SOURCE = 20;
const RESOLVES = 5;

let database: OwnDatabase;
let identity: RunningIdentity;
let tenancy: RunningTenancy;
let sharing: RunningSharing;
let authz: RunningAuthz;
let gateway: NginxHandle;
let root: Person;
const tally = new AttackTally();
let passed = 0;
const forged = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}`, 'x-real-ip': `198.51.100.${n}` });

beforeAll(async () => {
  database = await ownDatabase('xff');
  const env = { ...database.env, LOGIN_MAX_FAILURES_PER_SOURCE: String(PER_SOURCE), LOGIN_MAX_FAILURES: '3' };
  identity = await startIdentity(env);
  [tenancy, sharing] = await Promise.all([
    startTenancy(identity, { ...env, MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'xff-mail-')) }),
    startSharing(identity, { ...env, RESOLVE_RATE_LIMIT: String(RESOLVES), RESOLVE_RATE_WINDOW: '1m' }),
  ]);
  authz = await startAuthz(identity, { ...env, ...grantTokenEnv(sharing) });
  const hostOf = (url: string) => new URL(url).host;
  gateway = await startGateway({
    binary: ensureNginx(() => undefined),
    dir: mkdtempSync(join(tmpdir(), 'gw-xff-')),
    listen: `127.0.0.1:${await freePort()}`,
    upstreams: { identity: [hostOf(identity.url)], tenancy: [hostOf(tenancy.url)], sharing: [hostOf(sharing.url)], audit: [hostOf(identity.url)], authz: [hostOf(authz.url)] },
    workerProcesses: 1,
  });
  root = await person(identity, 'xff-root', ['platform_admin']);
  await eventually(async () => (tenancy.runtime.policy.enforce(root.id, 'platform', 'tenant', 'create') ? true : undefined));
}, 90_000);

afterAll(async () => {
  if (passed === 3) {
    recordAttack({
      suite: SUITE,
      title: 'Attack: a client choosing its own address',
      finding: 5,
      tried: tally.tried,
      gotIn: tally.gotIn,
      notes: `Through real nginx, every request with a new forged X-Forwarded-For (and X-Real-IP): ${PER_SOURCE + 2} failed sign-ins (per-source lock at ${PER_SOURCE}), ${RESOLVES + 1} link resolves (limit ${RESOLVES} a minute), and what the audit trail records.`,
    });
  }
  await gateway?.stop();
  await Promise.all([authz?.close(), sharing?.close(), tenancy?.close()]);
  await identity?.close();
  await database?.drop();
}, 60_000);

const loginFailures = (since: Date) =>
  identity.runtime.orm.em.fork().execute<{ ip: string | null }[]>(
    `select payload->'data'->'actor'->>'ip' as ip from identity.outbox where payload->>'type' = 'portcullis.identity.login.failed' and created_at >= ?`,
    [since],
  );

describe('a client behind the gateway', () => {
  it('is locked out per source after the limit however it rotates X-Forwarded-For, and cannot have another address locked', async () => {
    const since = new Date(Date.now() - 1000);
    const statuses: number[] = [];
    for (let n = 1; n <= PER_SOURCE + 2; n++) {
      const answer = await call('POST', `${gateway.url}/identity/v1/auth/login`, undefined, { email: `nobody-${n}@xff.test`, password: 'wrong password here' }, forged(n));
      statuses.push(answer.status);
    }
    // Each failure counted against the real peer (nginx's $remote_addr): the last ones are refused with 429.
    expect(statuses.slice(0, PER_SOURCE).every((s) => s === 401)).toBe(true);
    for (const status of statuses.slice(PER_SOURCE)) expect(tally.attempt(status === 429), `after the limit: ${status}`).toBe(true);
    // The audit trail records the address nginx saw, never the forged one.
    const recorded = await loginFailures(since);
    expect(recorded.length).toBeGreaterThanOrEqual(PER_SOURCE);
    for (const row of recorded) expect(tally.attempt(row.ip === '127.0.0.1'), `recorded ip ${row.ip}`).toBe(true);
    // No counter exists for any forged address: a victim's address cannot be locked from here.
    const [{ n }] = await identity.runtime.orm.em.fork().execute<{ n: string }[]>(`select count(*)::text as n from identity.login_throttle where key like 'source:203.0.113.%' or key like 'source:198.51.100.%'`);
    expect(tally.attempt(n === '0')).toBe(true);
    passed++;
  });

  it('is limited on share-link resolves per source however it rotates X-Forwarded-For', async () => {
    const slug = `xff-${Date.now().toString(36)}`;
    const tenant = await call('POST', `${tenancy.url}/v1/tenants`, root.token, { name: `XFF ${slug}`, slug, settings: { allow_public_shares: true } });
    await eventually(async () => (sharing.runtime.policy.enforce(root.id, `tenant:${tenant.body.id}`, 'document', 'share') ? true : undefined));
    const link = await call('POST', `${sharing.url}/v1/tenants/${tenant.body.id}/shares`, root.token, { resource_type: 'document', resource_id: 'xff', visibility: 'public' });
    expect(link.status).toBe(201);
    const statuses: number[] = [];
    for (let n = 1; n <= RESOLVES + 1; n++) statuses.push((await call('GET', `${gateway.url}/sharing/v1/s/${link.body.token}`, undefined, undefined, forged(100 + n))).status);
    expect(statuses.slice(0, RESOLVES).every((s) => s === 200), statuses.join(',')).toBe(true);
    expect(tally.attempt(statuses[RESOLVES] === 429), statuses.join(',')).toBe(true);
    passed++;
  });

  it('is a service without a gateway in front (TRUSTED_PROXY_HOPS=0): X-Forwarded-For is not read at all', async () => {
    const direct = await startIdentity({ ...database.env, TRUSTED_PROXY_HOPS: '0' });
    try {
      const answer = await call('POST', `${direct.url}/v1/auth/login`, undefined, { email: 'direct@xff.test', password: 'wrong password here' }, { 'x-forwarded-for': '192.0.2.66' });
      // Counted under the peer itself, which the first test locked: refused, and nothing counted for the header's address.
      expect(tally.attempt(answer.status === 429), `answered ${answer.status}`).toBe(true);
      const [{ n }] = await identity.runtime.orm.em.fork().execute<{ n: string }[]>(`select count(*)::text as n from identity.login_throttle where key = 'source:192.0.2.66'`);
      expect(tally.attempt(n === '0')).toBe(true);
    } finally {
      await direct.close();
    }
    passed++;
  });
});
