// make bench: the audit ingestion targets of issue 7 — outbox → JetStream → audit consumer → Postgres (hash chain
// included) against a bare JetStream publish → consume loop in the same run; lag at half the sustained rate; a
// filtered page over 1,000,000 stored events.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { dropDatabase } from '@portcullis/shared/db';
import { createLogger } from '@portcullis/shared/http';
import { createRuntime } from '@portcullis/shared/runtime';
import { Outbox } from '@portcullis/shared/events';
import type { NatsConnection } from '@portcullis/shared/nats';
import { buildAuditApp } from '../services/audit/src/app.js';
import { loadAuditConfig } from '../services/audit/src/config.js';
import { auditRuntimeOptions } from '../services/audit/src/runtime.js';
import { auditUnitOfWork } from '../services/audit/src/repositories/index.js';
import { EventQueryService } from '../services/audit/src/services/event-query.service.js';
import { loadTenancyConfig } from '../services/tenancy/src/config.js';
import { tenancyRuntimeOptions } from '../services/tenancy/src/runtime.js';
import { connectBenchNats, prepareBenchEnv, removeBenchStreams, standInForIdentity } from './support/bench-env.js';
import { benchSettings, distributionBeside, emit, figure, latencyStats, median } from './support/figures.js';

const { quick, rounds } = benchSettings();
const EVENTS = Number(process.env.BENCH_EVENTS || (quick ? 5_000 : 10_000));
const LAG_SECONDS = quick ? 2 : 4;
const STORED_FOR_QUERIES = Number(process.env.BENCH_STORED || (quick ? 100_000 : 1_000_000));
const QUERIES = quick ? 100 : 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The references: a bare JetStream stream and pull consumer with explicit acks, no database behind it. */
async function bareStream(nc: NatsConnection, js: JetStreamClient, prefix: string) {
  const jsm = await jetstreamManager(nc);
  const stream = `BARE_${prefix.replace(/\W/g, '').toUpperCase()}`;
  await jsm.streams.add({ name: stream, subjects: [`${prefix}bare.>`] });
  await jsm.consumers.add(stream, { durable_name: 'bare', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
  const consumer = await js.consumers.get(stream, 'bare');
  const payload = JSON.stringify({ hello: 'x'.repeat(600) });
  let latencyRuns = 0;
  return {
    /** Publishes n messages (up to 256 in flight) while the consumer takes and acks them; messages per second. */
    async throughput(n: number): Promise<number> {
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
    },
    /** One message at a time: publish until the consumer has it (ms each). */
    async latencies(n: number): Promise<number[]> {
      const samples: number[] = [];
      // A consumer of its own that starts at the next message, so nothing earlier stands in the way.
      const name = `latency_${++latencyRuns}`;
      await jsm.consumers.add(stream, { durable_name: name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New });
      const messages = await (await js.consumers.get(stream, name)).consume({ max_messages: 100 });
      const iterator = messages[Symbol.asyncIterator]();
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        await js.publish(`${prefix}bare.x`, payload);
        const next = await iterator.next();
        next.value?.ack();
        samples.push(performance.now() - start);
      }
      // close() waits for the iteration to end: end it first.
      await iterator.return?.(undefined);
      await messages.close();
      await jsm.consumers.delete(stream, name);
      return samples;
    },
    remove: () => jsm.streams.delete(stream).catch(() => false),
  };
}

async function main() {
  const bench = await prepareBenchEnv('I', { seedPolicy: false });
  const { runId, databaseUrl, prefix } = bench;
  const logger = createLogger('bench', 'silent');
  // No identity here: stand in for it where the services ask about revocations.
  const standIn = await standInForIdentity(bench.env);
  // A producer: any service's outbox and relay will do; tenancy's, here.
  const producerConfig = loadTenancyConfig(bench.as('tenancy'));
  const producer = await createRuntime(tenancyRuntimeOptions(producerConfig, logger, { relayPollIntervalMs: 50 }));
  const auditConfig = loadAuditConfig({ ...bench.as('audit'), AUDIT_CONSUMER: `bench_${runId}` });
  const auditRuntime = await createRuntime(auditRuntimeOptions(auditConfig, logger));
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

  // The baseline on the same server, as the operator (a service's NATS user may not make streams).
  const bareNc = await connectBenchNats('bench-bare-jetstream');
  const bare = await bareStream(bareNc, jetstream(bareNc), prefix);
  try {
    const started = performance.now();
    await audit.consumer.start();
    producer.relay.start();
    await bare.throughput(2_000);
    await produce(2_000, 'warm-up');
    while ((await stored()) < 2_000) await sleep(20);

    // Sustained ingestion, a round at a time beside the bare loop: the outbox holds EVENTS events; time until every one
    // is stored and chained.
    const ingest = { audit: [] as number[], bare: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      ingest.bare.push(await bare.throughput(EVENTS));
      const before = await stored();
      await produce(EVENTS, `sustained-${round}`);
      const start = performance.now();
      while ((await stored()) < before + EVENTS) await sleep(10);
      ingest.audit.push(EVENTS / ((performance.now() - start) / 1000));
    }

    // Lag at half the sustained rate: events enter the outbox every 20 ms; lag = stored_at − event time. Beside it, one
    // message at a time through a bare stream.
    const perTick = Math.max(1, Math.round((median(ingest.audit) / 2) * 0.02));
    const ticks = (LAG_SECONDS * 1000) / 20;
    const lag = { p99: [] as number[], p50: [] as number[], bareP99: [] as number[] };
    let lastLag: [number[], number[]] = [[], []];
    for (let round = 0; round < rounds; round++) {
      const bareSamples = await bare.latencies(200);
      const before = await stored();
      const tickStart = performance.now();
      for (let t = 0; t < ticks; t++) {
        await produce(perTick, `lag-${round}-${t}`);
        const wait = tickStart + (t + 1) * 20 - performance.now();
        if (wait > 0) await sleep(wait);
      }
      while ((await stored()) < before + perTick * ticks) await sleep(20);
      const lags = (
        await auditRuntime.orm.em.fork().execute<{ lag: number }[]>(
          `select extract(epoch from (stored_at - time)) * 1000 as lag from events where (event->'data'->>'request_id') like ?`,
          [`lag-${round}-%`],
        )
      ).map((r) => Number(r.lag));
      const [l, b] = [latencyStats(lags), latencyStats(bareSamples)];
      lag.p99.push(l.p99);
      lag.p50.push(l.p50);
      lag.bareP99.push(b.p99);
      lastLag = [lags, bareSamples];
    }
    await audit.consumer.stop();
    const verified = await audit.verifier.verify();
    const expected = 2_000 + EVENTS * rounds + perTick * ticks * rounds;
    if (!verified.ok || verified.checked !== expected) throw new Error(`chain: ${JSON.stringify(verified)}, expected ${expected} events`);

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
    const total = have + STORED_FOR_QUERIES;
    const queries = new EventQueryService(auditUnitOfWork(auditRuntime.orm));
    const query = { p99: [] as number[], p50: [] as number[], bareP99: [] as number[] };
    let lastQueries: [number[], number[]] = [[], []];
    for (let round = 0; round < rounds; round++) {
      const samples: number[] = [];
      const lookups: number[] = [];
      for (let i = 0; i < QUERIES + 20; i++) {
        const n = round * QUERIES + i;
        const tenant = `00000000-0000-7000-8000-${String((n * 7) % 1000).padStart(12, '0')}`;
        const filter =
          n % 3 === 0 ? { tenantIds: [tenant], type: 'portcullis.tenancy.member.added' } :
          n % 3 === 1 ? { actorId: `user-${(n * 13) % 5000}` } :
          { tenantIds: [tenant], from: new Date(Date.now() - 86_400_000 * 3) };
        const t0 = performance.now();
        const page = await queries.page(filter, undefined, 50);
        // A second page through the cursor, as a client paging back would.
        if (page.next_cursor) await queries.page(filter, page.next_cursor, 50);
        const t1 = performance.now();
        // The floor: one row by primary key through the same pool.
        await auditRuntime.orm.em.fork().execute('select event from events where sequence = ?', [1 + ((n * 7919) % total)]);
        if (i >= 20) {
          samples.push((t1 - t0) / 2);
          lookups.push(performance.now() - t1);
        }
      }
      const [q, b] = [latencyStats(samples), latencyStats(lookups)];
      query.p99.push(q.p99);
      query.p50.push(q.p50);
      query.bareP99.push(b.p99);
      lastQueries = [samples, lookups];
    }

    // Export of the whole trail, streamed: what stays alive on the heap must not grow with the rows sent. Measured
    // after a forced collection every 50,000 rows (uncollected garbage is not memory the export holds). Once: it is long.
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
    for await (const chunk of await new EventExporter(auditUnitOfWork(auditRuntime.orm)).stream({}, 'ndjson')) {
      bytes += Buffer.byteLength(chunk as string);
      if (++lines % 50_000 === 0) heapPeak = Math.max(heapPeak, liveHeap());
    }
    const exportSeconds = (performance.now() - exportStart) / 1000;
    const growthMiB = (heapPeak - heapBefore) / 2 ** 20;

    const distribution = ([figureSamples, baselineSamples]: [number[], number[]]) => distributionBeside(figureSamples, baselineSamples);
    emit({
      part: 'audit-ingest',
      command: 'node --expose-gc --import tsx bench/audit-ingest.bench.ts',
      rounds,
      seconds: (performance.now() - started) / 1000,
      figures: [
        figure({
          id: 'audit.ingestion-throughput',
          issue: 7,
          title: `Ingestion end to end: outbox → relay → JetStream → audit consumer → Postgres, hash chain included, ${EVENTS.toLocaleString('en')} events per round`,
          measure: { name: 'audit ingestion', unit: '/s', rounds: ingest.audit },
          baseline: { name: 'bare JetStream publish → consume with ack()', unit: '/s', rounds: ingest.bare },
          ratio: { text: 'of the bare loop', unit: '%' },
          better: 'higher',
          target: { text: '≥ 50% of the bare loop, zero loss', on: 'ratio', op: '>=', threshold: 0.5 },
          details: { 'events checked by the chain verifier': verified.checked, 'lost or doubled': 0 },
          limits:
            'The bare loop only publishes and acks. End to end, each event is also written to the producer\'s outbox, read back ' +
            'and marked sent by the relay, then validated, hashed into the chain (SHA-256 over canonical JSON, strictly in ' +
            'order) and inserted by the audit consumer, one advisory-locked transaction per batch, acked after commit; two Node ' +
            'processes\' worth of work and Postgres on 2 cores. Smaller rounds (quick mode) weigh the relay\'s first poll and ' +
            'the first partial batch more.',
        }),
        figure({
          id: 'audit.lag-p99',
          issue: 7,
          title: `Lag from the producer's commit to the stored row at half the sustained rate (${Math.round(perTick * 50).toLocaleString('en')}/s for ${LAG_SECONDS} s per round), p99`,
          measure: { name: 'commit → stored', unit: 'ms', rounds: lag.p99 },
          baseline: { name: 'bare JetStream publish → received, one at a time', unit: 'ms', rounds: lag.bareP99 },
          ratio: { text: 'lag ÷ bare' },
          better: 'lower',
          target: { text: 'p99 ≤ 1,000 ms', on: 'value', op: '<=', threshold: 1000 },
          details: { 'p50 (ms)': median(lag.p50) },
          distribution: distribution(lastLag),
        }),
        figure({
          id: 'audit.query-p99',
          issue: 7,
          title: `A filtered page of 50 (tenant + type, actor, tenant + time), first and next page, over ${total.toLocaleString('en')} stored events, p99`,
          measure: { name: 'filtered page', unit: 'ms', rounds: query.p99 },
          baseline: { name: 'one row by primary key, same pool', unit: 'ms', rounds: query.bareP99 },
          ratio: { text: 'page ÷ primary-key lookup' },
          better: 'lower',
          target: { text: 'p99 ≤ 50 ms', on: 'value', op: '<=', threshold: 50 },
          details: { 'p50 (ms)': median(query.p50), 'stored events': total },
          distribution: distribution(lastQueries),
        }),
        figure({
          id: 'audit.export-heap-growth',
          issue: 7,
          title: `Export (NDJSON, streamed) of ${lines.toLocaleString('en')} events: live heap growth, sampled after GC every 50,000 rows`,
          measure: { name: 'heap growth', unit: 'MiB', rounds: [growthMiB] },
          baseline: { name: 'size of the export', unit: 'MiB', rounds: [bytes / 2 ** 20] },
          ratio: { text: 'heap growth ÷ bytes sent', unit: '%' },
          better: 'lower',
          target: { text: 'flat: ≤ 16 MiB whatever the size', on: 'value', op: '<=', threshold: 16 },
          details: { 'seconds': Number(exportSeconds.toFixed(1)), 'rows per second': Math.round(lines / exportSeconds) },
        }),
      ],
      notes: `Per round ${EVENTS.toLocaleString('en')} events for throughput, ${LAG_SECONDS} s of lag, ${QUERIES} queries; the export ran once (${exportSeconds.toFixed(0)} s).`,
    });
  } finally {
    await bare.remove();
    await bareNc.close();
    await standIn.close();
    await audit.consumer.stop().catch(() => undefined);
    await removeBenchStreams(bench);
    await producer.close();
    await auditRuntime.close();
    await dropDatabase(databaseUrl);
  }
}

await main();
process.exit(0);
