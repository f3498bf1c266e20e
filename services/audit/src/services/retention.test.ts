import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createOrm, dropDatabase, ensureDatabase, runMigrations } from '@portcullis/shared/db';
import { buildAuditEvent } from '@portcullis/shared/events';
import { createLogger } from '@portcullis/shared/http';
import { auditEntities } from '../entities/index.js';
import { auditMigrations } from '../migrations/index.js';
import { auditUnitOfWork } from '../repositories/index.js';
import { ChainVerifier } from './chain-verifier.js';
import { EventStoreService } from './event-store.service.js';
import { RetentionService } from './retention.js';

// A database of its own: retention deletes from the start of the chain, which other tests share.
let databaseUrl: string;
let orm: MikroORM;

const events = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    buildAuditEvent({ service: 'identity', action: 'user.created', subject: `user:${i}`, data: { actor: { user_id: null }, outcome: 'success', target: { i }, request_id: 'r' } }),
  );

beforeAll(async () => {
  const url = new URL(inject('databaseUrl'));
  url.pathname = `${url.pathname}_ret_${randomBytes(3).toString('hex')}`;
  databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  orm = await createOrm({ databaseUrl, schema: 'audit', entities: auditEntities, migrations: auditMigrations, poolMax: 2 });
  await runMigrations(orm);
}, 60_000);

afterAll(async () => {
  await orm?.close(true);
  if (databaseUrl) await dropDatabase(databaseUrl);
});

it('deletes the oldest events past the period in batches and the rest of the chain still verifies, also after everything went', async () => {
  const uow = auditUnitOfWork(orm);
  const store = new EventStoreService(uow);
  const verifier = new ChainVerifier(orm);
  const retention = new RetentionService(uow, createLogger('test', 'silent'), { retentionMs: 3_600_000, batchSize: 2 });
  await store.appendBatch(events(10));
  // Six of them were stored two hours ago.
  await orm.em.fork().execute("update events set stored_at = now() - interval '2 hours' where sequence <= 6");
  expect(await retention.prune()).toBe(6);
  expect(await verifier.verify()).toMatchObject({ ok: true, checked: 4, first_sequence: '7', last_sequence: '10' });
  const [checkpoint] = await orm.em.fork().execute<{ sequence: string }[]>('select sequence::text as sequence from chain_checkpoint');
  expect(checkpoint.sequence).toBe('6');
  // Tampering with the first retained event is still caught: it must link to the checkpoint.
  await orm.em.fork().execute("update events set prev_hash = repeat('0', 64) where sequence = 7");
  expect(await verifier.verify()).toMatchObject({ ok: false, first_invalid_sequence: '7' });
  await orm.em.fork().execute('update events set prev_hash = (select hash from chain_checkpoint) where sequence = 7');
  // Everything goes; the chain continues from the checkpoint.
  await orm.em.fork().execute("update events set stored_at = now() - interval '2 hours'");
  expect(await retention.prune()).toBe(4);
  await store.appendBatch(events(3));
  expect(await verifier.verify()).toMatchObject({ ok: true, checked: 3, first_sequence: '11', last_sequence: '13' });
});
