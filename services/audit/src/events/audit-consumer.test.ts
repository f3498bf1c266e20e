import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { auditSubject, buildAuditEvent, type AuditEvent } from '@portcullis/shared/events';
import { eventually, startAudit, startIdentity, type RunningAudit, type RunningIdentity } from '../../../../test/support/harness.js';
import { chainHash, GENESIS_HASH } from '../services/hash-chain.js';

let identity: RunningIdentity;
let audit: RunningAudit;

function sampleEvent(): AuditEvent {
  return buildAuditEvent({
    service: 'identity',
    action: 'user.created',
    // Unique, so the event can be counted by what it says (see storedCount).
    subject: `user:test-${randomUUID()}`,
    data: { actor: { user_id: null }, outcome: 'success', target: { user_id: 'x' }, request_id: 'test' },
  });
}

/** Rows carrying the event, by its own id, type and subject (never the row's primary key, which cannot repeat). */
async function storedCount(event: AuditEvent): Promise<number> {
  const rows = await audit.runtime.orm.em.fork().execute<{ n: string }[]>(
    `select count(*)::text as n from events where event->>'id' = ? or (type = ? and subject = ?)`,
    [event.id, event.type, event.subject],
  );
  return Number(rows[0].n);
}

beforeAll(async () => {
  identity = await startIdentity();
  audit = await startAudit(identity);
});
afterAll(async () => {
  await audit?.close();
  await identity?.close();
});

describe('the audit consumer', () => {
  it('stores an event delivered twice only once', async () => {
    const event = sampleEvent();
    const subject = auditSubject(event, identity.config.NATS_SUBJECT_PREFIX);
    // Two publishes with different message ids get past JetStream's de-duplication: the store must catch it.
    await identity.runtime.js.publish(subject, JSON.stringify(event), { msgID: `${event.id}-first` });
    const second = await identity.runtime.js.publish(subject, JSON.stringify(event), { msgID: `${event.id}-second` });

    const jsm = await jetstreamManager(audit.runtime.nc);
    await eventually(async () => {
      const info = await jsm.consumers.info(identity.config.AUDIT_STREAM, audit.config.AUDIT_CONSUMER);
      return info.ack_floor.stream_seq >= second.seq ? true : undefined;
    }, 10_000);
    expect(await storedCount(event)).toBe(1);
  });

  it('appends each stored event to the hash chain', async () => {
    const first = sampleEvent();
    const second = sampleEvent();
    expect(await audit.store.append(first)).toBe('stored');
    expect(await audit.store.append(first)).toBe('duplicate');
    expect(await audit.store.append(second)).toBe('stored');
    const rows = await audit.runtime.orm.em.fork().execute<{ id: string; sequence: string; prev_hash: string; hash: string; event: AuditEvent }[]>(
      'select id, sequence::text as sequence, prev_hash, hash, event from events where id in (?, ?) order by events.sequence',
      [first.id, second.id],
    );
    expect(rows).toHaveLength(2);
    expect(BigInt(rows[1].sequence)).toBeGreaterThan(BigInt(rows[0].sequence));
    for (const row of rows) expect(row.hash).toBe(chainHash(row.prev_hash, row.event));
    const [predecessor] = await audit.runtime.orm.em.fork().execute<{ hash: string }[]>(
      'select hash from events where sequence = ?::bigint - 1', [rows[1].sequence],
    );
    expect(rows[1].prev_hash).toBe(predecessor?.hash ?? GENESIS_HASH);
  });

  it('drops a message that is not an audit event instead of storing it or retrying it for ever', async () => {
    const subject = `${identity.config.NATS_SUBJECT_PREFIX}audit.identity.user.created`;
    const bad = await identity.runtime.js.publish(subject, JSON.stringify({ hello: 'world' }));
    const jsm = await jetstreamManager(audit.runtime.nc);
    await eventually(async () => {
      const info = await jsm.consumers.info(identity.config.AUDIT_STREAM, audit.config.AUDIT_CONSUMER);
      // A terminated message is settled without an ack, so look at delivery and nothing left pending.
      return info.delivered.stream_seq >= bad.seq && info.num_ack_pending === 0 ? true : undefined;
    }, 10_000);
    const rows = await audit.runtime.orm.em.fork().execute<{ n: string }[]>(`select count(*)::text as n from events where event->>'hello' = 'world'`);
    expect(rows[0].n).toBe('0');
  });
});
