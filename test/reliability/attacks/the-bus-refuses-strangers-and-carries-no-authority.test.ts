import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { createUser } from '@nats-io/nkeys';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildAuditEvent, auditSubject, type AuditEvent } from '@portcullis/shared/events';
import type { NatsConnection } from '@portcullis/shared/nats';
import { connectAs } from '../../../deploy/dev/project-nats.js';
import { freePort, startNatsServer, type NatsServerHandle } from '../../../deploy/dev/nats-server.js';
import { DEFAULT_NATS_AUTH, type NatsUser } from '../../../deploy/nats/permissions.js';
import {
  call,
  eventually,
  startAudit,
  startIdentity,
  startSharing,
  startTenancy,
  type RunningAudit,
  type RunningIdentity,
  type RunningSharing,
  type RunningTenancy,
} from '../../support/harness.js';
import { ownDatabase, type OwnDatabase } from '../../support/own-database.js';
import { person, type Person } from '../../support/people.js';
import { AttackTally, recordAttack } from './support.js';

// Finding 1 (critical): the bus was open and carried authority. Here every service runs on a nats-server with the
// committed authorization config itself (deploy/nats/portcullis-auth.conf: no subject prefix, stream AUDIT, bucket
// revoked_sessions, the durable names it pins), and each attack is made as the NATS user that could try it.
const SUITE = 'the-bus-refuses-strangers-and-carries-no-authority';

let nats: NatsServerHandle;
let storeDir: string;
let database: OwnDatabase;
let identity: RunningIdentity;
let tenancy: RunningTenancy;
let sharing: RunningSharing;
let audit: RunningAudit;
let root: Person;
let ordinary: Person;
const connections: NatsConnection[] = [];
const tally = new AttackTally();
let passed = 0;

async function as(user: NatsUser): Promise<NatsConnection> {
  const nc = await connectAs({ url: nats.url, keys: inject('natsKeys') }, `attacker-as-${user}`, user);
  connections.push(nc);
  return nc;
}

const isPermissionError = (error: unknown) => /permissions violation/i.test(String((error as Error)?.message ?? error)) || /permissions violation/i.test(String((error as { cause?: Error }).cause?.message ?? ''));

/** A core publish is refused asynchronously: the server answers -ERR, which the client reports as an error status. */
async function publishRefused(nc: NatsConnection, subject: string, body: string): Promise<boolean> {
  const statuses = nc.status();
  const refused = (async () => {
    for await (const status of statuses) {
      if (status.type === 'error' && isPermissionError(status.error) && String(status.error).includes(subject)) return true;
    }
    return false;
  })();
  nc.publish(subject, body);
  await nc.flush();
  return Promise.race([refused, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1500))]);
}

async function subscribeRefused(nc: NatsConnection, subject: string): Promise<boolean> {
  const sub = nc.subscribe(subject);
  await nc.flush();
  await eventually(async () => (sub.isClosed() ? true : undefined), 1500, 20).catch(() => undefined);
  return sub.isClosed();
}

async function rejectedWithPermissionError(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return false;
  } catch (error) {
    return isPermissionError(error);
  }
}

function event(service: string, action: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return { ...buildAuditEvent({ service, action, subject: 'user:forged', data: { actor: { user_id: null }, outcome: 'success', target: {}, request_id: 'forged' } }), ...overrides };
}

async function storedCount(id: string): Promise<number> {
  const [row] = await audit.runtime.orm.em.fork().execute<{ n: string }[]>('select count(*)::text as n from events where id = ?', [id]);
  return Number(row.n);
}

/** Waits until a durable consumer has settled everything up to `seq` (acked, or terminated as not storable). */
async function settled(durable: string, seq: number): Promise<void> {
  const jsm = await jetstreamManager(await as('operator'));
  await eventually(async () => {
    const info = await jsm.consumers.info('AUDIT', durable);
    return info.delivered.stream_seq >= seq && info.num_ack_pending === 0 ? true : undefined;
  }, 10_000, 50);
}

beforeAll(async () => {
  storeDir = mkdtempSync(join(tmpdir(), 'nats-committed-config-'));
  nats = await startNatsServer({ port: await freePort(), storeDir, auth: { keys: inject('natsKeys'), options: DEFAULT_NATS_AUTH } });
  database = await ownDatabase('bus');
  const env = { ...database.env, NATS_URL: nats.url, NATS_SUBJECT_PREFIX: '', AUDIT_STREAM: 'AUDIT', REVOKED_SESSIONS_BUCKET: 'revoked_sessions' };
  identity = await startIdentity(env);
  audit = await startAudit(identity, { ...env, AUDIT_CONSUMER: 'audit-store' });
  [tenancy, sharing] = await Promise.all([
    startTenancy(identity, { ...env, MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'bus-mail-')) }),
    startSharing(identity, { ...env, TENANT_EVENTS_CONSUMER: 'sharing-tenant-events' }),
  ]);
  root = await person(identity, 'bus-root', ['platform_admin']);
  ordinary = await person(identity, 'bus-ordinary');
  await eventually(async () => (identity.runtime.policy.enforce(root.id, 'platform', 'users', 'read') ? true : undefined));
}, 90_000);

afterAll(async () => {
  if (passed === 7) {
    recordAttack({
      suite: SUITE,
      title: 'Attack: forged and stolen messages on the bus',
      finding: 1,
      tried: tally.tried,
      gotIn: tally.gotIn,
      notes:
        'On a nats-server running the committed deploy/nats/portcullis-auth.conf: anonymous and unknown clients, a forged ' +
        'policy change (refused for a service that writes no grants; only a hint, re-read from Postgres, for one that may), ' +
        "audit events on another service's subjects or with another source, revocations written by anyone but identity, " +
        "requests to another service's responders, another's inbox, and the audit store's consumer.",
    });
  }
  await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
  await Promise.all([sharing?.close(), tenancy?.close(), audit?.close()]);
  await identity?.close();
  await nats?.stop();
  rmSync(storeDir, { recursive: true, force: true });
  await database?.drop();
}, 60_000);

describe('the bus', () => {
  it('refuses a client without credentials, and one whose key it does not know', async () => {
    const anonymous = await connect({ servers: nats.url, timeout: 2000, reconnect: false }).then((nc) => nc.close().then(() => false), () => true);
    expect(tally.attempt(anonymous)).toBe(true);
    const stranger = createUser();
    const unknownKey = await connect({ servers: nats.url, timeout: 2000, reconnect: false, authenticator: nkeyAuthenticator(stranger.getSeed()) }).then(
      (nc) => nc.close().then(() => false),
      () => true,
    );
    expect(tally.attempt(unknownKey)).toBe(true);
    passed++;
  });

  it('makes nobody a platform admin with a forged policy change: refused from a service that writes no grants, and only a hint from one that may', async () => {
    const users = () => call('GET', `${identity.url}/v1/users`, ordinary.token);
    expect((await users()).status).toBe(403);
    const version = identity.runtime.policy.version;
    const forged = JSON.stringify({ version: version + 1, kind: 'grant_added', rule: [ordinary.id, 'platform_admin', 'platform'] });
    expect(tally.attempt(await publishRefused(await as('audit'), 'authz.policy.changed', forged))).toBe(true);
    // tenancy may announce changes: its message arrives, every instance re-reads Postgres, and finds nothing new.
    const tenancyNc = await as('tenancy');
    tenancyNc.publish('authz.policy.changed', forged);
    await tenancyNc.flush();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const runtime of [identity.runtime, tenancy.runtime, sharing.runtime, audit.runtime]) {
      expect(runtime.policy.version).toBe(version);
      expect(tally.attempt(!runtime.policy.enforce(ordinary.id, 'platform', 'users', 'read'))).toBe(true);
    }
    expect(tally.attempt((await users()).status === 403)).toBe(true);
    const promote = await call('PUT', `${identity.url}/v1/users/${ordinary.id}/platform-roles`, ordinary.token, { roles: ['platform_admin'] });
    expect(tally.attempt(promote.status === 403)).toBe(true);
    passed++;
  });

  it("forges no audit event: another service's subjects are refused, and an event whose source is not its subject's is never stored", async () => {
    const js = (nc: NatsConnection) => jetstream(nc);
    const login = event('identity', 'login.succeeded');
    expect(tally.attempt(await rejectedWithPermissionError(async () => js(await as('tenancy')).publish(auditSubject(login), JSON.stringify(login))))).toBe(true);
    expect(tally.attempt(await rejectedWithPermissionError(async () => js(await as('audit')).publish(auditSubject(login), JSON.stringify(login))))).toBe(true);
    expect(tally.attempt(await rejectedWithPermissionError(async () => js(await as('audit-reader')).publish(auditSubject(login), JSON.stringify(login))))).toBe(true);
    // identity may publish on audit.identity.>, but not as someone else: the store drops what does not match its subject.
    const identityJs = js(await as('identity'));
    const otherSource = event('identity', 'user.created', { source: 'portcullis/tenancy' });
    const otherType = event('tenancy', 'tenant.deleted');
    await identityJs.publish('audit.identity.user.created', JSON.stringify(otherSource), { msgID: otherSource.id });
    const last = await identityJs.publish('audit.identity.user.created', JSON.stringify(otherType), { msgID: otherType.id });
    const genuine = event('identity', 'user.created');
    const genuineAck = await identityJs.publish(auditSubject(genuine), JSON.stringify(genuine), { msgID: genuine.id });
    await settled('audit-store', Math.max(last.seq, genuineAck.seq));
    expect(tally.attempt((await storedCount(otherSource.id)) === 0)).toBe(true);
    expect(tally.attempt((await storedCount(otherType.id)) === 0)).toBe(true);
    expect(await storedCount(genuine.id)).toBe(1);
    passed++;
  });

  it('lets only identity write revocations', async () => {
    for (const user of ['tenancy', 'sharing', 'audit', 'authz', 'audit-reader'] as const) {
      const nc = await as(user);
      const refused = await rejectedWithPermissionError(() => jetstream(nc).publish(`$KV.revoked_sessions.${ordinary.token.length}`, '{}'));
      expect(tally.attempt(refused), user).toBe(true);
    }
    passed++;
  });

  it("lets only a responder's callers ask it, and nobody answer in its place or read another's replies", async () => {
    const request = (nc: NatsConnection, subject: string) => rejectedWithPermissionError(() => nc.request(subject, JSON.stringify({ token: 'x', user_id: ordinary.id }), { timeout: 2000 }));
    expect(tally.attempt(await request(await as('sharing'), 'tenancy.invitations.accept'))).toBe(true);
    expect(tally.attempt(await request(await as('audit'), 'tenancy.invitations.peek'))).toBe(true);
    expect(tally.attempt(await request(await as('sharing'), 'identity.users.get'))).toBe(true);
    expect(tally.attempt(await request(await as('authz'), 'identity.users.by_email'))).toBe(true);
    expect(tally.attempt(await subscribeRefused(await as('tenancy'), 'identity.users.get'))).toBe(true);
    expect(tally.attempt(await subscribeRefused(await as('sharing'), 'tenancy.invitations.accept'))).toBe(true);
    expect(tally.attempt(await subscribeRefused(await as('tenancy'), '_INBOX_identity.>'))).toBe(true);
    expect(tally.attempt(await subscribeRefused(await as('sharing'), '_INBOX.>'))).toBe(true);
    expect(tally.attempt(await subscribeRefused(await as('audit-reader'), 'audit.>'))).toBe(true);
    // The one allowed: tenancy asks identity about a user.
    const answer = await (await as('tenancy')).request('identity.users.get', JSON.stringify({ id: ordinary.id }), { timeout: 2000 });
    expect(answer.json<{ ok: boolean; result: { id: string } }>().result.id).toBe(ordinary.id);
    passed++;
  });

  it("keeps sharing to tenancy's tenant events and everyone off the audit store's consumer", async () => {
    const sharingJsm = await jetstreamManager(await as('sharing'), { checkAPI: false });
    const wide = await rejectedWithPermissionError(() => sharingJsm.consumers.add('AUDIT', { durable_name: 'sharing-tenant-events', ack_policy: AckPolicy.Explicit, filter_subject: 'audit.>' }));
    expect(tally.attempt(wide)).toBe(true);
    const another = await rejectedWithPermissionError(() => sharingJsm.consumers.add('AUDIT', { durable_name: 'mine', ack_policy: AckPolicy.Explicit, filter_subject: 'audit.tenancy.tenant.>' }));
    expect(tally.attempt(another)).toBe(true);
    for (const user of ['sharing', 'audit-reader', 'tenancy'] as const) {
      const nc = await as(user);
      expect(tally.attempt(await rejectedWithPermissionError(() => nc.request('$JS.API.CONSUMER.MSG.NEXT.AUDIT.audit-store', JSON.stringify({ batch: 1 }), { timeout: 2000 }))), user).toBe(true);
      expect(tally.attempt(await publishRefused(nc, '$JS.ACK.AUDIT.audit-store.1.1.1.1.0', '+ACK')), user).toBe(true);
      expect(tally.attempt(await rejectedWithPermissionError(async () => (await jetstreamManager(nc, { checkAPI: false })).streams.delete('AUDIT'))), user).toBe(true);
    }
    // The outside reader gets its own consumer, under the name the config gives it, and no other.
    const readerJsm = await jetstreamManager(await as('audit-reader'), { checkAPI: false });
    await readerJsm.consumers.add('AUDIT', { durable_name: 'audit-tail', ack_policy: AckPolicy.Explicit, filter_subject: 'audit.>' });
    const renamed = await rejectedWithPermissionError(() => readerJsm.consumers.add('AUDIT', { durable_name: 'audit-store', ack_policy: AckPolicy.Explicit, filter_subject: 'audit.>' }));
    expect(tally.attempt(renamed)).toBe(true);
    passed++;
  });

  it("stops no live tenant's links on a forged tenant.disabled event: sharing asks tenancy first", async () => {
    const slug = `bus-${Date.now().toString(36)}`;
    const tenant = await call('POST', `${tenancy.url}/v1/tenants`, root.token, { name: `Bus ${slug}`, slug, settings: { allow_public_shares: true } });
    expect(tenant.status).toBe(201);
    await eventually(async () => (sharing.runtime.policy.enforce(root.id, `tenant:${tenant.body.id}`, 'document', 'share') ? true : undefined));
    const link = await call('POST', `${sharing.url}/v1/tenants/${tenant.body.id}/shares`, root.token, { resource_type: 'document', resource_id: 'bus-1', visibility: 'public' });
    expect(link.status).toBe(201);
    const forged = { ...event('tenancy', 'tenant.disabled'), tenantid: tenant.body.id as string, subject: `tenant:${tenant.body.id}` };
    const ack = await jetstream(await as('tenancy')).publish(auditSubject(forged), JSON.stringify(forged), { msgID: forged.id });
    await settled('sharing-tenant-events', ack.seq);
    expect(tally.attempt((await call('GET', `${sharing.url}/v1/s/${link.body.token}`)).status === 200)).toBe(true);
    passed++;
  });
});
