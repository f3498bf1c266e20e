import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Outbox } from '@portcullis/shared/events';
import { startNatsCluster, type NatsCluster } from '../deploy/dev/nats-cluster.js';
import { ensureNginx, startGateway, type NginxHandle } from '../deploy/dev/nginx.js';
import { freePort } from '../deploy/dev/nats-server.js';
import {
  call,
  eventually,
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
import { person, signInWithTotp, type Person } from './support/people.js';
import { TEST_NATS_AUTH } from './support/test-nats.js';
import { ownDatabase, type OwnDatabase } from './support/own-database.js';

// Two instances of every service on a 3-node NATS cluster (JetStream, replicas 3), behind one nginx that balances.
let cluster: NatsCluster;
let identity: RunningIdentity[];
let tenancy: RunningTenancy[];
let sharing: RunningSharing[];
let authz: RunningAuthz[];
let audit: RunningAudit[];
let gateway: NginxHandle;
let root: Person;
let database: OwnDatabase;
const run = randomBytes(3).toString('hex');

beforeAll(async () => {
  cluster = await startNatsCluster({ size: 3, dir: mkdtempSync(join(tmpdir(), 'nats-cluster-')), auth: { keys: inject('natsKeys'), options: TEST_NATS_AUTH } });
  // A database of its own: its outbox rows are for the cluster, not for the run's NATS.
  database = await ownDatabase('scale');
  const env = {
    DATABASE_URL: database.env.DATABASE_URL,
    NATS_URL: cluster.url,
    NATS_REPLICAS: '3',
    NATS_SUBJECT_PREFIX: `scale${run}.`,
    AUDIT_STREAM: `AUDIT_SCALE_${run.toUpperCase()}`,
    REVOKED_SESSIONS_BUCKET: `revoked_scale_${run}`,
  };
  const firstIdentity = await startIdentity(env);
  identity = [firstIdentity, await startIdentity(env)];
  const trust = { ...env, IDENTITY_JWKS_URL: `${firstIdentity.url}/.well-known/jwks.json`, TOKEN_ISSUER: firstIdentity.config.ISSUER };
  const mail = { MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'scale-mail-')) };
  tenancy = await Promise.all([startTenancy(firstIdentity, { ...trust, ...mail }), startTenancy(firstIdentity, { ...trust, ...mail })]);
  sharing = await Promise.all([startSharing(firstIdentity, trust), startSharing(firstIdentity, trust)]);
  authz = await Promise.all([startAuthz(firstIdentity, trust), startAuthz(firstIdentity, trust)]);
  // Both audit instances on one durable consumer: they share the work.
  audit = await Promise.all([startAudit(firstIdentity, { ...trust, AUDIT_CONSUMER: `scale_${run}` }), startAudit(firstIdentity, { ...trust, AUDIT_CONSUMER: `scale_${run}` })]);
  const hosts = (instances: { url: string }[]) => instances.map((i) => new URL(i.url).host);
  gateway = await startGateway({
    binary: ensureNginx(() => undefined),
    dir: mkdtempSync(join(tmpdir(), 'scale-gw-')),
    listen: `127.0.0.1:${await freePort()}`,
    upstreams: { identity: hosts(identity), tenancy: hosts(tenancy), sharing: hosts(sharing), audit: hosts(audit), authz: hosts(authz) },
    workerProcesses: 1,
  });
  root = await person(firstIdentity, 'scale-root', ['platform_admin']);
  await eventually(async () => (authz.every((a) => a.runtime.policy.enforce(root.id, 'platform', 'tenant', 'create')) ? true : undefined));
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([...(audit ?? []), ...(authz ?? []), ...(sharing ?? []), ...(tenancy ?? [])].map((s) => s.close()));
  await Promise.all((identity ?? []).map((s) => s.close()));
  await cluster?.stop();
  await database?.drop();
}, 60_000);

describe('two instances of every service on a NATS cluster', () => {
  it('a membership removed through one tenancy instance is denied by the other instances within a second', async () => {
    const slug = `scale-${run}-${Date.now().toString(36)}`;
    const tenant = (await call('POST', `${tenancy[0].url}/v1/tenants`, root.token, { name: `Scale ${slug}`, slug })).body.id as string;
    const member = await person(identity[1], 'scale-member');
    expect((await call('POST', `${tenancy[0].url}/v1/tenants/${tenant}/members`, root.token, { user_id: member.id, roles: ['member'] })).status).toBe(201);
    const allowedBy = (instance: RunningAuthz | RunningTenancy) => instance.runtime.policy.enforce(member.id, `tenant:${tenant}`, 'document', 'read');
    await eventually(async () => ([...authz, ...tenancy].every(allowedBy) ? true : undefined), 3000, 5);
    const started = Date.now();
    expect((await call('DELETE', `${tenancy[0].url}/v1/tenants/${tenant}/members/${member.id}`, root.token)).status).toBe(204);
    await eventually(async () => ([authz[1], tenancy[1], authz[0]].some(allowedBy) ? undefined : true), 1000, 5);
    expect(Date.now() - started).toBeLessThan(1000);
    // And through the gateway, whichever instance answers.
    const check = await call('POST', `${gateway.url}/authz/v1/check`, root.token, { subject: member.id, tenant_id: tenant, object: 'document', action: 'read' });
    expect(check.body.allowed).toBe(false);
  });

  it('an impersonation ended on one identity instance is refused by every instance within a second', async () => {
    const admin = await person(identity[0], 'scale-admin', ['platform_admin']);
    const target = await person(identity[0], 'scale-target');
    const adminWithOtp = await signInWithTotp(identity[0].url, admin);
    const started = await call('POST', `${identity[0].url}/v1/impersonation`, adminWithOtp, { target_user_id: target.id, reason: 'scale-out test' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const token = started.body.access_token as string;
    const everywhere = [...identity.map((s) => `${s.url}/v1/me`), ...tenancy.map((s) => `${s.url}/v1/me/tenants`), `${gateway.url}/tenancy/v1/me/tenants`];
    for (const url of everywhere) expect((await call('GET', url, token)).status, url).toBe(200);
    const ended = Date.now();
    expect((await call('POST', `${identity[0].url}/v1/impersonation/end`, token)).status).toBe(200);
    await eventually(async () => {
      const statuses = await Promise.all(everywhere.map(async (url) => (await call('GET', url, token)).status));
      return statuses.every((s) => s === 401) ? true : undefined;
    }, 1000, 10);
    expect(Date.now() - ended).toBeLessThan(1000);
  });

  it('loses none of 10,000 audited changes and stores none twice while a NATS node is killed mid-burst', async () => {
    const outbox = new Outbox('tenancy', `scale${run}.`);
    const tenantId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const ids: string[] = [];
    const burst = (async () => {
      for (let start = 0; start < 10_000; start += 500) {
        const rows = Array.from({ length: 500 }, (_, i) =>
          outbox.prepare({ action: 'member.added', subject: `tenant:${tenantId}/member:burst-${start + i}`, tenantId, data: { actor: { user_id: null }, outcome: 'success', target: { n: start + i }, request_id: `burst-${run}` } }),
        );
        ids.push(...rows.map((r) => r.id));
        // Written as a service writes them: in its outbox, which both tenancy instances relay.
        await tenancy[start % 1000 === 0 ? 0 : 1].runtime.orm.em.fork().execute(
          `insert into tenancy.outbox (id, subject, payload, created_at, attempts) values ${rows.map(() => '(?, ?, ?::jsonb, ?, 0)').join(', ')}`,
          rows.flatMap((r) => [r.id, r.subject, JSON.stringify(r.payload), r.createdAt]),
        );
        tenancy.forEach((t) => t.runtime.relay.wake());
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // Part-way through, one node dies (whatever it led, whoever was connected to it).
    await new Promise((r) => setTimeout(r, 150));
    await cluster.nodes[1].stop();
    await burst;
    const stored = async () => {
      const rows = await audit[0].runtime.orm.em.fork().execute<{ n: string; distinct: string }[]>(
        "select count(*)::text as n, count(distinct id)::text as distinct from audit.events where event->'data'->>'request_id' = ?",
        [`burst-${run}`],
      );
      return rows[0];
    };
    await eventually(async () => ((await stored()).n === '10000' ? true : undefined), 60_000, 250);
    expect(await stored()).toEqual({ n: '10000', distinct: '10000' });
    const [{ missing }] = await audit[0].runtime.orm.em.fork().execute<{ missing: string }[]>(
      'select count(*)::text as missing from unnest(?::uuid[]) as i(id) where not exists (select 1 from audit.events e where e.id = i.id)',
      [`{${ids.join(',')}}`],
    );
    expect(missing).toBe('0');
    // The instance may still be finding its way back to the cluster (it answers 503 until it trusts its revocation
    // list again): wait for an answer, then the chain must verify.
    const verified = await eventually(async () => {
      const answer = await call('GET', `${audit[1].url}/v1/verify`, root.token);
      return answer.status === 200 ? answer : undefined;
    }, 15_000, 250);
    expect(verified.body.ok, JSON.stringify(verified.body)).toBe(true);
    await cluster.nodes[1].start();
  }, 120_000);
});
