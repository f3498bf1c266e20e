import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditSubject, buildAuditEvent, type AuditEvent } from '@portcullis/shared/events';
import { call, changeGrant, eventually, startAudit, startIdentity, type RunningAudit, type RunningIdentity } from '../../../../test/support/harness.js';
import { person, type Person } from '../../../../test/support/people.js';
import { connectTestNats } from '../../../../test/support/test-nats.js';
import { jetstream } from '@nats-io/jetstream';

let identity: RunningIdentity;
let audit: RunningAudit;
let root: Person;
let tenantAdmin: Person;
const tenantA = randomUUID();
const tenantB = randomUUID();

const url = (path: string) => `${audit.url}/v1${path}`;

function event(tenantId?: string, label = 'x'): AuditEvent {
  return buildAuditEvent({
    service: 'tenancy',
    action: 'member.added',
    subject: `tenant:${tenantId ?? 'none'}/member:${label}`,
    ...(tenantId ? { tenantId } : {}),
    data: { actor: { user_id: root?.id ?? null, ip: '10.0.0.1', user_agent: 'trail-test' }, outcome: 'success', target: { label }, request_id: `req-${label}` },
  });
}

/** Publishes as tenancy would: only the tenancy NATS user may publish on audit.tenancy.>. */
async function publish(events: AuditEvent[]): Promise<void> {
  const nc = await connectTestNats('trail-test-producer', 'tenancy');
  try {
    for (const e of events) await jetstream(nc).publish(auditSubject(e, identity.config.NATS_SUBJECT_PREFIX), JSON.stringify(e), { msgID: e.id });
  } finally {
    await nc.close();
  }
}

/**
 * How many stored rows carry each event, found by what the event itself says (its type and subject, which these tests
 * make unique), not by the row's primary key: a duplicate stored under a new row id, or with a new event id, counts.
 */
async function storedTimes(events: AuditEvent[]): Promise<Map<string, number>> {
  const rows = await audit.runtime.orm.em.fork().execute<{ type: string; subject: string; n: string; ids: string }[]>(
    `select type, subject, count(*)::text as n, count(distinct event->>'id')::text as ids from events
      where subject = any(?::text[]) group by type, subject`,
    [`{${events.map((e) => JSON.stringify(e.subject)).join(',')}}`],
  );
  return new Map(rows.map((r) => [`${r.type} ${r.subject}`, Math.max(Number(r.n), Number(r.ids))]));
}

async function allStored(events: AuditEvent[], timeoutMs = 10_000): Promise<void> {
  await eventually(async () => ((await storedTimes(events)).size === events.length ? true : undefined), timeoutMs, 50);
}

beforeAll(async () => {
  identity = await startIdentity();
  audit = await startAudit(identity);
  root = await person(identity, 'root', ['platform_admin']);
  tenantAdmin = await person(identity, 'tadmin');
  // Written as identity (audit may not announce policy changes: NATS refuses it), awaited in audit.
  await changeGrant('add', identity.runtime, { subject: tenantAdmin.id, role: 'admin', domain: `tenant:${tenantA}` }, [audit.runtime]);
});

afterAll(async () => {
  await audit?.close();
  await identity?.close();
});

describe('the chain', () => {
  it('verifies, and names the event when a stored row is altered, rewritten with its hash, or missing', async () => {
    const events = [event(tenantA, 'v1'), event(tenantA, 'v2'), event(tenantA, 'v3')];
    await publish(events);
    await allStored(events);
    const clean = await call('GET', url('/verify'), root.token);
    expect(clean.status).toBe(200);
    expect(clean.body.ok).toBe(true);
    expect(clean.body.checked).toBeGreaterThanOrEqual(3);
    const em = audit.runtime.orm.em.fork();
    const [target] = await em.execute<{ sequence: string; event: AuditEvent; hash: string }[]>('select sequence::text as sequence, event, hash from events where id = ?', [events[1].id]);
    const range = `?from=${BigInt(target.sequence) - 1n}&to=${BigInt(target.sequence) + 1n}`;
    try {
      await em.execute(`update events set event = jsonb_set(event, '{subject}', '"tampered"') where id = ?`, [events[1].id]);
      expect((await call('GET', url(`/verify${range}`), root.token)).body).toMatchObject({ ok: false, first_invalid_id: events[1].id, reason: 'event_altered' });
      // Rewriting the hash too does not help: the next event still records the old one.
      await em.execute(`update events set hash = repeat('a', 64) where id = ?`, [events[1].id]);
      await em.execute(`update events set event = ?::jsonb where id = ?`, [JSON.stringify(target.event), events[1].id]);
      const { chainHash } = await import('../services/hash-chain.js');
      const [{ prev_hash: prev }] = await em.execute<{ prev_hash: string }[]>('select prev_hash from events where id = ?', [events[1].id]);
      await em.execute(`update events set event = jsonb_set(event, '{subject}', '"forged"') where id = ?`, [events[1].id]);
      const [{ event: forged }] = await em.execute<{ event: AuditEvent }[]>('select event from events where id = ?', [events[1].id]);
      await em.execute('update events set hash = ? where id = ?', [chainHash(prev, forged), events[1].id]);
      expect((await call('GET', url(`/verify${range}`), root.token)).body).toMatchObject({ ok: false, first_invalid_id: events[1].id, reason: 'hash_altered' });
    } finally {
      await em.execute('update events set event = ?::jsonb, hash = ? where id = ?', [JSON.stringify(target.event), target.hash, events[1].id]);
    }
    expect((await call('GET', url(`/verify${range}`), root.token)).body.ok).toBe(true);
    const [removed] = await em.execute<Record<string, unknown>[]>('delete from events where id = ? returning *', [events[1].id]);
    try {
      expect((await call('GET', url(`/verify${range}`), root.token)).body).toMatchObject({ ok: false, first_invalid_id: events[2].id, reason: 'event_missing' });
    } finally {
      await em.execute(
        'insert into events (id, sequence, type, source, subject, tenant_id, actor_id, time, event, prev_hash, hash, stored_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)',
        [removed.id, removed.sequence, removed.type, removed.source, removed.subject, removed.tenant_id, removed.actor_id, removed.time, JSON.stringify(removed.event), removed.prev_hash, removed.hash, removed.stored_at],
      );
    }
    expect((await call('GET', url(`/verify${range}`), root.token)).body.ok).toBe(true);
    expect((await call('GET', url('/verify'), tenantAdmin.token)).status).toBe(403);
  });

  it('stores nothing twice and misses nothing when a consumer restarts mid-stream, or two run at once', async () => {
    const durable = `restart_${process.pid}_${Date.now()}`;
    const events = Array.from({ length: 300 }, (_, i) => event(tenantB, `r${i}`));
    const first = await startAudit(identity, { AUDIT_CONSUMER: durable });
    await publish(events.slice(0, 150));
    // Stop it part-way: some stored, the rest still pending for the durable consumer.
    await eventually(async () => ((await storedTimes(events)).size >= 20 ? true : undefined), 10_000, 5);
    await first.close();
    await publish(events.slice(150));
    const [second, third] = await Promise.all([startAudit(identity, { AUDIT_CONSUMER: durable }), startAudit(identity, { AUDIT_CONSUMER: durable })]);
    try {
      await allStored(events, 20_000);
      const times = await storedTimes(events);
      expect(times.size).toBe(events.length);
      expect([...times.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      const verified = await call('GET', url('/verify'), root.token);
      expect(verified.body, JSON.stringify(verified.body)).toMatchObject({ ok: true });
    } finally {
      await Promise.all([second.close(), third.close()]);
    }
  });
});

describe('reading the trail', () => {
  it('streams a new event to a live subscriber within a second, and resumes after Last-Event-ID', async () => {
    const controller = new AbortController();
    const response = await fetch(url(`/events/stream?tenant_id=${tenantA}`), { headers: { authorization: `Bearer ${tenantAdmin.token}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    const readUntil = async (needle: string) => {
      while (!buffer.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += value;
      }
    };
    await readUntil('retry:');
    const live = event(tenantA, 'live');
    const other = event(tenantB, 'hidden');
    const started = Date.now();
    await publish([other, live]);
    await readUntil(live.id);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(buffer).not.toContain(other.id);
    controller.abort();
    const idOf = /id: (\d+)\ndata: [^\n]*"id":"([^"]+)"/.exec(buffer.slice(buffer.lastIndexOf('id: ')));
    expect(idOf?.[2]).toBe(live.id);
    // Resuming from before it gives it again.
    const resumed = await fetch(url(`/events/stream?tenant_id=${tenantA}`), {
      headers: { authorization: `Bearer ${tenantAdmin.token}`, 'last-event-id': String(BigInt(idOf![1]) - 1n) },
      signal: AbortSignal.timeout(3000),
    });
    const again = resumed.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(live.id)) text += (await again.read()).value ?? '';
    await again.cancel();
  });

  it("keeps a tenant admin to their tenant: another tenant's events are 404, never a leak", async () => {
    const mine = event(tenantA, 'mine');
    const theirs = event(tenantB, 'theirs');
    await publish([mine, theirs]);
    await allStored([mine, theirs]);
    expect((await call('GET', url(`/events?tenant_id=${tenantB}`), tenantAdmin.token)).status).toBe(404);
    expect((await call('GET', url(`/events/stream?tenant_id=${tenantB}`), tenantAdmin.token)).status).toBe(404);
    expect((await call('GET', url(`/events/export?tenant_id=${tenantB}`), tenantAdmin.token)).status).toBe(404);
    const list = await call('GET', url('/events?limit=100'), tenantAdmin.token);
    expect(list.body.items.every((e: AuditEvent) => e.tenantid === tenantA)).toBe(true);
    expect(list.body.items.map((e: AuditEvent) => e.id)).toContain(mine.id);
  });

  it('exports NDJSON and CSV, streamed, for those who may export', async () => {
    const exported = event(tenantB, 'export');
    await publish([exported]);
    await allStored([exported]);
    const ndjson = await fetch(url(`/events/export?format=ndjson&tenant_id=${tenantB}`), { headers: { authorization: `Bearer ${root.token}` } });
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await ndjson.text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.every((e) => e.tenantid === tenantB)).toBe(true);
    expect(lines.find((e) => e.id === exported.id)).toMatchObject({ type: exported.type, data: exported.data });
    expect(Number(lines[0].sequence)).toBeLessThan(Number(lines[lines.length - 1].sequence));
    const csv = await fetch(url(`/events/export?format=csv&tenant_id=${tenantB}`), { headers: { authorization: `Bearer ${root.token}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (await csv.text()).trim().split('\n');
    expect(rows[0]).toBe('sequence,id,time,type,source,subject,tenant_id,actor_id,impersonator_id,outcome,ip,user_agent,request_id,hash,event');
    const line = rows.find((r) => r.includes(exported.id))!;
    expect(line).toContain(',success,10.0.0.1,trail-test,req-export,');
  });
});
