import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildAuditEvent, type AuditEvent } from '@portcullis/shared/events';
import { createLogger } from '@portcullis/shared/http';
import { inMemoryAudit, type InMemoryEvents } from '../repositories/in-memory.js';
import { EventStoreService } from './event-store.service.js';
import { chainHash, GENESIS_HASH } from './hash-chain.js';
import { RetentionService } from './retention.js';

afterEach(() => {
  vi.useRealTimers();
});

let counter = 0;
const events = (n: number): AuditEvent[] =>
  Array.from({ length: n }, () =>
    buildAuditEvent({ service: 'identity', action: 'user.created', subject: `user:${++counter}`, data: { actor: { user_id: null }, outcome: 'success', target: { n: counter }, request_id: 'r' } }),
  );

/** The chain from its first retained link: sequence without gaps, each hash over the one before and the event. */
function assertChain(repo: InMemoryEvents, from: { sequence: string; hash: string } = { sequence: '0', hash: GENESIS_HASH }) {
  let previous = from;
  for (const link of repo.chain()) {
    expect(link.sequence).toBe((BigInt(previous.sequence) + 1n).toString());
    expect(link.prevHash).toBe(previous.hash);
    expect(link.hash).toBe(chainHash(link.prevHash, link.event));
    previous = link;
  }
}

describe('the audit hash chain (unit, in memory)', () => {
  it('links each appended event to the one before, the first to the genesis hash, in the order given', async () => {
    const uow = inMemoryAudit();
    const store = new EventStoreService(uow);
    const batch = events(5);

    expect(await store.appendBatch(batch)).toEqual(Array(5).fill('stored'));
    expect(await store.append(events(1)[0])).toBe('stored');

    assertChain(uow.repos.events);
    expect(uow.repos.events.chain().map((e) => e.id).slice(0, 5)).toEqual(batch.map((e) => e.id));
    expect(uow.repos.events.chain().at(-1)?.sequence).toBe('6');
  });

  it('skips a redelivered event, within a batch and across batches, without moving the chain', async () => {
    const uow = inMemoryAudit();
    const store = new EventStoreService(uow);
    const [a, b, c] = events(3);
    await store.appendBatch([a, b]);

    expect(await store.appendBatch([b, c, c, a])).toEqual(['duplicate', 'stored', 'duplicate', 'duplicate']);
    expect(uow.repos.events.chain().map((e) => e.id)).toEqual([a.id, b.id, c.id]);
    assertChain(uow.repos.events);
  });

  it('batches stored at the same moment by several consumers take turns under the chain lock: one chain, every event once', async () => {
    const uow = inMemoryAudit();
    const stores = [new EventStoreService(uow), new EventStoreService(uow), new EventStoreService(uow)];
    const batches = Array.from({ length: 12 }, () => events(4));

    const outcomes = await Promise.allSettled(batches.map((batch, i) => stores[i % stores.length].appendBatch(batch)));

    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(uow.repos.events.table.count()).toBe(48);
    assertChain(uow.repos.events);
  });

  it('retention deletes from the start of the chain only, never past the first event stored after the cutoff, and the rest verifies from the checkpoint', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    const uow = inMemoryAudit();
    const store = new EventStoreService(uow);
    const retention = new RetentionService(uow, createLogger('test', 'silent'), { retentionMs: 3_600_000, batchSize: 2 });
    await store.appendBatch(events(4));
    vi.setSystemTime(new Date('2026-12-01T12:00:00Z'));
    await store.appendBatch(events(2));
    vi.setSystemTime(new Date('2026-12-01T10:30:00Z'));
    // Stored before the cutoff, but after an event that is kept: deleting it would leave a hole.
    await store.appendBatch(events(1));
    vi.setSystemTime(new Date('2026-12-01T12:30:00Z'));

    expect(await retention.prune()).toBe(4);

    const checkpoint = (await uow.repos.events.checkpoint())!;
    expect(checkpoint.sequence).toBe('4');
    expect(uow.repos.events.chain().map((e) => e.sequence)).toEqual(['5', '6', '7']);
    assertChain(uow.repos.events, checkpoint);
  });

  it('after retention deleted every event, appending continues the chain from the checkpoint', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    const uow = inMemoryAudit();
    const store = new EventStoreService(uow);
    const retention = new RetentionService(uow, createLogger('test', 'silent'), { retentionMs: 3_600_000, batchSize: 2 });
    await store.appendBatch(events(3));
    vi.setSystemTime(new Date('2026-12-01T12:00:00Z'));

    expect(await retention.prune()).toBe(3);
    expect(uow.repos.events.table.count()).toBe(0);
    await store.appendBatch(events(2));

    const checkpoint = (await uow.repos.events.checkpoint())!;
    expect(checkpoint.sequence).toBe('3');
    expect(uow.repos.events.chain().map((e) => e.sequence)).toEqual(['4', '5']);
    assertChain(uow.repos.events, checkpoint);
  });

  it('a pruning pass and appends running at once leave one chain that verifies from the checkpoint', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    const uow = inMemoryAudit();
    const store = new EventStoreService(uow);
    const retention = new RetentionService(uow, createLogger('test', 'silent'), { retentionMs: 3_600_000, batchSize: 3 });
    await store.appendBatch(events(9));
    vi.setSystemTime(new Date('2026-12-01T12:00:00Z'));

    const [pruned] = await Promise.all([retention.prune(), ...Array.from({ length: 5 }, () => store.appendBatch(events(2)))]);

    expect(pruned).toBe(9);
    const checkpoint = (await uow.repos.events.checkpoint())!;
    expect(uow.repos.events.table.count()).toBe(10);
    assertChain(uow.repos.events, checkpoint);
  });
});
