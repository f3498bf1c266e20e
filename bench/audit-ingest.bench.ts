// make bench: the audit ingestion targets of issue 7 — outbox → JetStream → audit consumer → Postgres (hash chain
// included) against a bare JetStream publish → consume loop in the same run; lag at half the sustained rate; a
// filtered page over 1,000,000 stored events.
import { AckPolicy, DeliverPolicy, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { dropDatabase } from '@portcullis/shared/db';
import { createLogger } from '@portcullis/shared/http';
import { createRuntime } from '@portcullis/shared/runtime';
import { Outbox } from '@portcullis/shared/events';
import type { NatsConnection } from '@portcullis/shared/nats';
import { buildAuditApp } from '../services/audit/src/app.js';
import { loadAuditConfig } from '../services/audit/src/config.js';
import { auditEntities } from '../services/audit/src/entities/index.js';
import { auditMigrations } from '../services/audit/src/migrations/index.js';
import { EventQueryService } from '../services/audit/src/services/event-query.service.js';
import { loadTenancyConfig } from '../services/tenancy/src/config.js';
import { tenancyEntities } from '../services/tenancy/src/entities/index.js';
import { tenancyMigrations } from '../services/tenancy/src/migrations/index.js';
import { prepareBenchEnv, removeBenchStreams } from './support/bench-env.js';
import { writeSection, type Result } from './support/report.js';

const EVENTS = Number(process.env.BENCH_EVENTS || 20_000);
const LAG_SECONDS = 10;
const STORED_FOR_QUERIES = Number(process.env.BENCH_STORED || 1_000_000);
const QUERIES = 300;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const rate = (n: number) => `${Math.round(n).toLocaleString('en')}/s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The reference: publish N messages (up to 256 in flight) while a pull consumer takes and acks them. */
async function bareLoop(nc: NatsConnection, js: JetStreamClient, prefix: string, n: number): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const stream = `BARE_${prefix.replace(/\W/g, '').toUpperCase()}`;
  await jsm.streams.add({ name: stream, subjects: [`${prefix}bare.>`] });
  try {
    await jsm.consumers.add(stream, { durable_name: 'bare', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const payload = JSON.stringify({ hello: 'x'.repeat(600) });
    const consumer = await js.consumers.get(stream, 'bare');
    const start = performance.now();
    const consumed = (async () => {
      let count = 0;
      const messages = await consumer.consume({ max_messages: 1000 });
      for await (const msg of messages) {
        msg.ack();
        if (++count === n) break;
      }
      await messages.close();
    })();
    const inFlight = new Set<Promise<unknown>>();
    for (let i = 0; i < n; i++) {
      const p = js.publish(`${prefix}bare.x`, payload).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 256) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await consumed;
    return n / ((performance.now() - start) / 1000);
  } finally {
    await jsm.streams.delete(stream).catch(() => false);
  }
}

async function main() {
  const bench = await prepareBenchEnv('I', { seedPolicy: false });
  const { runId, databaseUrl, prefix, env } = bench;
  const logger = createLogger('bench', 'silent');
  // A producer: any service's outbox and relay will do; tenancy's, here.
  const producerConfig = loadTenancyConfig(env);
  const producer = await createRuntime({ service: 'tenancy', config: producerConfig, logger, entities: tenancyEntities, migrations: tenancyMigrations, relayPollIntervalMs: 50 });
  const auditConfig = loadAuditConfig({ ...env, AUDIT_CONSUMER: `bench_${runId}` });
  const auditRuntime = await createRuntime({ service: 'audit', config: auditConfig, logger, entities: auditEntities, migrations: auditMigrations });
  const audit = buildAuditApp(auditConfig, auditRuntime, logger);
  const outbox = new Outbox('tenancy', prefix);
  const tenantId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
  const em = () => producer.orm.em.fork();
  const stored = async () => Number((await auditRuntime.orm.em.fork().execute<{ n: string }[]>('select count(*)::text as n from events'))[0].n);

  /** Writes `n` events to the producer's outbox, 500 per statement, as services do in their transactions. */
  async function produce(n: number, label: string): Promise<void> {
    for (let start = 0; start < n; start += 500) {
      const rows = Array.from({ length: Math.min(500, n - start) }, (_, i) =>
        outbox.prepare({
          action: 'member.added',
          subject: `tenant:${tenantId}/member:${label}-${start + i}`,
          tenantId,
          data: { actor: { user_id: '0190a1b2-c3d4-7e5f-8a9b-000000000001', ip: '10.0.0.1', user_agent: 'bench' }, outcome: 'success', target: { tenant_id: tenantId, n: start + i }, changes: { before: null, after: { roles: ['member'] } }, request_id: label },
        }),
      );
      await em().execute(
        `insert into outbox (id, subject, payload, created_at, attempts) values ${rows.map(() => '(?, ?, ?::jsonb, ?, 0)').join(', ')}`,
        rows.flatMap((r) => [r.id, r.subject, JSON.stringify(r.payload), r.createdAt]),
      );
    }
    producer.relay.wake();
  }

  const results: Result[] = [];
  try {
    const bare = await bareLoop(producer.nc, producer.js, prefix, EVENTS);

    // Sustained ingestion: the outbox holds EVENTS events; time until every one is stored and chained.
    await audit.consumer.start();
    producer.relay.start();
    await produce(EVENTS, 'sustained');
    const start = performance.now();
    while ((await stored()) < EVENTS) await sleep(20);
    const sustained = EVENTS / ((performance.now() - start) / 1000);
    const verified = await audit.verifier.verify();
    results.push({
      name: `Ingestion outbox → JetStream → audit → Postgres, ${EVENTS.toLocaleString('en')} events (${rate(sustained)}; bare JetStream publish → consume with ack(): ${rate(bare)}; chain verified: ${verified.ok}, ${verified.checked.toLocaleString('en')} events, none lost or doubled)`,
      value: `${((sustained / bare) * 100).toFixed(0)}% of the bare loop`,
      target: '≥ 50% of the bare loop, zero loss',
      ok: sustained / bare >= 0.5 && verified.ok && verified.checked === EVENTS,
    });

    // Lag at half that rate: events enter the outbox every 20 ms for LAG_SECONDS; lag = stored_at − event time.
    const perTick = Math.max(1, Math.round((sustained / 2) * 0.02));
    const before = await stored();
    const ticks = (LAG_SECONDS * 1000) / 20;
    const tickStart = performance.now();
    for (let t = 0; t < ticks; t++) {
      await produce(perTick, `lag-${t}`);
      const due = tickStart + (t + 1) * 20;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
    while ((await stored()) < before + perTick * ticks) await sleep(20);
    const lags = (
      await auditRuntime.orm.em.fork().execute<{ lag: number }[]>(
        `select extract(epoch from (stored_at - time)) * 1000 as lag from events where (event->'data'->>'request_id') like 'lag-%'`,
      )
    ).map((r) => Number(r.lag)).sort((a, b) => a - b);
    const lagP99 = percentile(lags, 99);
    results.push({
      name: `Lag from the producer's commit to the stored row at half that rate (${rate(perTick * 50)} for ${LAG_SECONDS} s, ${lags.length.toLocaleString('en')} events; p50 ${percentile(lags, 50).toFixed(0)} ms)`,
      value: `p99 ${lagP99.toFixed(0)} ms`,
      target: 'p99 ≤ 1,000 ms',
      ok: lagP99 <= 1000,
    });
    await audit.consumer.stop();

    // Queries over a large trail: rows go straight into the table (the chain is not what is measured here).
    const have = await stored();
    await auditRuntime.orm.em.fork().execute(
      `insert into events (id, sequence, type, source, subject, tenant_id, actor_id, time, event, prev_hash, hash, stored_at)
       select gen_random_uuid(), ? + n, t.type, 'portcullis/tenancy', 'tenant:x', t.tenant, t.actor, now() - (n || ' seconds')::interval,
              jsonb_build_object('specversion', '1.0', 'id', gen_random_uuid(), 'type', t.type, 'data', jsonb_build_object('n', n)), '', md5(n::text), now()
       from generate_series(1, ?::int) n,
            lateral (select (array['portcullis.identity.login.succeeded','portcullis.tenancy.member.added','portcullis.sharing.share.accessed','portcullis.identity.login.failed'])[1 + n % 4] as type,
                            ('00000000-0000-7000-8000-' || lpad((n % 1000)::text, 12, '0'))::uuid as tenant,
                            'user-' || (n % 5000) as actor) t`,
      [have, STORED_FOR_QUERIES],
    );
    await auditRuntime.orm.em.fork().execute('analyze events');
    const queries = new EventQueryService(auditRuntime.orm);
    const samples: number[] = [];
    for (let i = 0; i < QUERIES + 50; i++) {
      const tenant = `00000000-0000-7000-8000-${String((i * 7) % 1000).padStart(12, '0')}`;
      const filter =
        i % 3 === 0 ? { tenantIds: [tenant], type: 'portcullis.tenancy.member.added' } :
        i % 3 === 1 ? { actorId: `user-${(i * 13) % 5000}` } :
        { tenantIds: [tenant], from: new Date(Date.now() - 86_400_000 * 3) };
      const t0 = performance.now();
      const page = await queries.page(filter, undefined, 50);
      // A second page through the cursor, as a client paging back would.
      if (page.next_cursor) await queries.page(filter, page.next_cursor, 50);
      if (i >= 50) samples.push((performance.now() - t0) / 2);
    }
    samples.sort((a, b) => a - b);
    results.push({
      name: `A filtered page of 50 (tenant + type, actor, tenant + time), first and next page, over ${(STORED_FOR_QUERIES + have).toLocaleString('en')} stored events, ${QUERIES} queries (p50 ${percentile(samples, 50).toFixed(1)} ms)`,
      value: `p99 ${percentile(samples, 99).toFixed(1)} ms`,
      target: 'p99 ≤ 50 ms',
      ok: percentile(samples, 99) <= 50,
    });

    // Export of the whole trail, streamed: what stays alive on the heap must not grow with the rows sent. Measured
    // after a forced collection every 50,000 rows (uncollected garbage is not memory the export holds).
    const { EventExporter } = await import('../services/audit/src/services/event-export.js');
    const liveHeap = () => {
      global.gc?.();
      return process.memoryUsage().heapUsed;
    };
    const heapBefore = liveHeap();
    let heapPeak = heapBefore;
    const exportStart = performance.now();
    let bytes = 0;
    let lines = 0;
    for await (const chunk of new EventExporter(auditRuntime.orm).stream({}, 'ndjson')) {
      bytes += Buffer.byteLength(chunk as string);
      if (++lines % 50_000 === 0) heapPeak = Math.max(heapPeak, liveHeap());
    }
    const exportSeconds = (performance.now() - exportStart) / 1000;
    const growthMiB = (heapPeak - heapBefore) / 2 ** 20;
    results.push({
      name: `Export (NDJSON, streamed) of ${lines.toLocaleString('en')} events (${(bytes / 2 ** 20).toFixed(0)} MiB in ${exportSeconds.toFixed(1)} s, ${rate(lines / exportSeconds)}): live heap growth, sampled after GC every 50,000 rows`,
      value: `${growthMiB.toFixed(1)} MiB`,
      target: 'flat: ≤ 16 MiB whatever the size',
      ok: growthMiB <= 16,
    });
    writeSection('audit-ingest', 'Audit ingestion and queries (issue 7)', 'node --import tsx bench/audit-ingest.bench.ts', results);
  } finally {
    await audit.consumer.stop().catch(() => undefined);
    await removeBenchStreams(bench, producer.nc);
    await producer.close();
    await auditRuntime.close();
    await dropDatabase(databaseUrl);
  }
}

await main();
process.exit(0);
