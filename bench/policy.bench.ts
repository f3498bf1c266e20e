// make bench: measures the central policy against the targets of issue 3 and writes BENCHMARKS.md.
// Needs Postgres and NATS (make bench runs it under deploy/dev/with-infra.ts). Uses its own database and subjects.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { Decider, GrantWriter, PolicyEngine, readModelText, recordChange } from '@portcullis/shared/authz';
import { createOrm, dropDatabase } from '@portcullis/shared/db';
import { createLogger } from '@portcullis/shared/http';
import { connectNats, requestJson, respondJson } from '@portcullis/shared/nats';
import { authzEntities } from '../services/authz/src/entities/index.js';
import { authzMigrations } from '../services/authz/src/migrations/index.js';
import { migrateAll } from '../deploy/dev/migrate-all.js';
import { seedPolicy } from '../deploy/dev/seed-policy.js';
import { measureBatchCheck } from './batch-check.js';
import { writeSection, type Result } from './support/report.js';

const logger = createLogger('bench', 'warn');
const TENANTS = 10_000;
const MEMBERS = 10;
const base = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/portcullis');
const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, n: sorted.length };
};
const fmtUs = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
const fmtMs = (ms: number) => `${ms.toFixed(2)} ms`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** Tenant ids are UUIDs, as in the product: tenant n is 00000000-0000-4000-8000-<n, 12 digits>. */
const tenantId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const TENANT_ID_SQL = `'00000000-0000-4000-8000-' || lpad(t::text, 12, '0')`;

function roleOf(member: number): string {
  return member === 1 ? 'admin' : member <= 7 ? 'member' : 'viewer';
}

const ACTIONS: [string, string][] = [
  ['document:1', 'read'], ['document', 'share'], ['members', 'create'], ['tenant', 'update'], ['shares', 'create'], ['audit', 'read'],
];

function requests(count: number, tenants: number, members: number): [string, string, string, string][] {
  return Array.from({ length: count }, (_, i) => {
    const t = 1 + ((i * 7919) % tenants);
    const m = 1 + ((i * 104729) % members);
    // One request in five asks about another tenant: a deny that must scan every rule.
    const dom = `tenant:${tenantId(i % 5 === 0 ? 1 + ((t + 1) % tenants) : t)}`;
    const [obj, act] = ACTIONS[i % ACTIONS.length];
    return [`u-${t}-${m}`, dom, obj, act];
  });
}

function timeEach(enforce: (r: [string, string, string, string]) => boolean, reqs: [string, string, string, string][]): number[] {
  for (const r of reqs.slice(0, 2000)) enforce(r); // warm up
  return reqs.map((r) => {
    const start = process.hrtime.bigint();
    enforce(r);
    return Number(process.hrtime.bigint() - start);
  });
}

/** Child mode: a second process with its own engine, answering enforce requests over NATS. */
async function child(databaseUrl: string, prefix: string) {
  const orm = await createOrm({ databaseUrl, schema: 'authz', entities: authzEntities, migrations: authzMigrations, poolMax: 2 });
  const nc = await connectNats({ url: natsUrl, name: 'bench-child' });
  const engine = await PolicyEngine.start({ orm, nc, logger, subjectPrefix: prefix, reconcileIntervalMs: 60_000 });
  respondJson<string[], boolean>(nc, `${prefix}bench.enforce`, 'bench', async (r) => engine.enforce(r[0], r[1], r[2], r[3]));
  await nc.flush();
  process.stdout.write('ready\n');
}

async function main() {
  const runId = randomBytes(3).toString('hex');
  const dbUrl = new URL(base.toString());
  dbUrl.pathname = `/portcullis_bench_${runId}`;
  const databaseUrl = dbUrl.toString();
  const prefix = `bench${runId}.`;
  await migrateAll(databaseUrl);
  await seedPolicy(databaseUrl, prefix);
  const orm = await createOrm({ databaseUrl, schema: 'authz', entities: authzEntities, migrations: authzMigrations, poolMax: 4 });
  const results: Result[] = [];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let childProcess: ReturnType<typeof spawn> | undefined;
  try {
    // 100,000 grants: 10,000 tenants × 10 members, bulk-inserted in the adapter's table.
    await client.query(
      `insert into authz.casbin (ptype, rule)
       select 'g', jsonb_build_array('u-' || t || '-' || m, case when m = 1 then 'admin' when m <= 7 then 'member' else 'viewer' end, 'tenant:' || ${TENANT_ID_SQL})
       from generate_series(1, $1::int) t, generate_series(1, $2::int) m`,
      [TENANTS, MEMBERS],
    );
    await orm.em.fork().transactional((tx) => recordChange(tx, 'reload'));
    const grants = TENANTS * MEMBERS;

    // Cold start and memory: an engine loading every grant from Postgres.
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const coldStart = performance.now();
    let engine: PolicyEngine | undefined = await PolicyEngine.start({ orm, logger, reconcileIntervalMs: 600_000 });
    const coldMs = performance.now() - coldStart;
    gc();
    const bytesPerGrant = (process.memoryUsage().heapUsed - heapBefore) / grants;
    results.push({ name: `Cold start (enforcer ready from Postgres), ${grants.toLocaleString('en')} grants`, value: fmtMs(coldMs), target: '≤ 2,000 ms', ok: coldMs <= 2000 });
    results.push({ name: `Heap per grant at ${grants.toLocaleString('en')} grants`, value: `${bytesPerGrant.toFixed(0)} B`, target: '≤ 1,024 B', ok: bytesPerGrant <= 1024 });

    // enforce latency at 100,000 grants and at 100 grants (same model, same p rules).
    const big = stats(timeEach((r) => engine!.enforce(...r), requests(100_000, TENANTS, MEMBERS)));
    const smallGrants = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, m) => [`u-${t + 1}-${m + 1}`, roleOf(m + 1), `tenant:${tenantId(t + 1)}`])).flat();
    const small = await Decider.build(readModelText(), engine.pRules(), smallGrants);
    const smallStats = stats(timeEach((r) => small.decide(...r), requests(100_000, 10, 10)));
    results.push({ name: `enforce p99 at ${grants.toLocaleString('en')} grants (p50 ${fmtUs(big.p50)})`, value: fmtUs(big.p99), target: '≤ 20 µs', ok: big.p99 <= 20_000 });
    const ratio = big.p50 / smallStats.p50;
    results.push({ name: `enforce p50 at 100,000 grants ÷ p50 at 100 grants (${fmtUs(big.p50)} / ${fmtUs(smallStats.p50)})`, value: `${ratio.toFixed(2)}×`, target: '≤ 1.5×', ok: ratio <= 1.5 });

    // The guard apps write instead: one SQL query per request against a membership table, loopback Postgres.
    await client.query(`create table bench_memberships (user_id text, tenant_id text, role text, primary key (user_id, tenant_id, role))`);
    await client.query(
      `insert into bench_memberships select 'u-' || t || '-' || m, ${TENANT_ID_SQL}, case when m = 1 then 'admin' when m <= 7 then 'member' else 'viewer' end
       from generate_series(1, $1::int) t, generate_series(1, $2::int) m`,
      [TENANTS, MEMBERS],
    );
    await client.query('analyze bench_memberships');
    const sqlSamples: number[] = [];
    for (const [sub, dom] of requests(3000, TENANTS, MEMBERS)) {
      const start = process.hrtime.bigint();
      await client.query('select role from bench_memberships where user_id = $1 and tenant_id = $2', [sub, dom.slice('tenant:'.length)]);
      sqlSamples.push(Number(process.hrtime.bigint() - start));
    }
    const sql = stats(sqlSamples.slice(500));
    const speedup = sql.p50 / big.p50;
    const meanSpeedup = sql.mean / big.mean;
    results.push({
      name: `Speed-up over one SQL membership query per request, at p50 (SQL p50 ${fmtUs(sql.p50)} vs ${fmtUs(big.p50)}; at p99 ${(sql.p99 / big.p99).toFixed(0)}×, in mean time per decision ${meanSpeedup.toFixed(0)}×)`,
      value: `${speedup.toFixed(0)}×`,
      target: '≥ 100×',
      ok: speedup >= 100,
    });

    // POST /v1/check/batch with 100 checks, over real HTTP against the 100,000-grant policy. The benchmark's own engine
    // is let go first, so that the process holds one engine (the authz service's), as in production.
    await engine.stop();
    engine = undefined;
    gc();
    const batchRun = await measureBatchCheck({
      databaseUrl,
      natsUrl,
      prefix,
      runId,
      caller: 'u-1-2',
      tenantIds: [tenantId(1), tenantId(2), tenantId(3)],
      requests: 1000,
    });
    const [batchServer, batchClient] = [stats(batchRun.server), stats(batchRun.client)];
    results.push({
      name: `POST /v1/check/batch of 100 checks, 1,000 calls: server time, request in → response out (p50 ${fmtMs(batchServer.p50)})`,
      value: fmtMs(batchServer.p99),
      target: 'p99 ≤ 5 ms',
      ok: batchServer.p99 <= 5,
    });
    results.push({
      name: `… the same calls as the client (another process) sees them over loopback HTTP (p50 ${fmtMs(batchClient.p50)})`,
      value: fmtMs(batchClient.p99),
      target: 'p99 ≤ 5 ms',
      ok: batchClient.p99 <= 5,
    });

    // Revocation propagation to a second process over NATS.
    childProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', databaseUrl, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: childProcess!.stdout! }).on('line', (l) => l === 'ready' && resolve());
      childProcess!.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const nc = await connectNats({ url: natsUrl, name: 'bench-parent' });
    const writer = new GrantWriter(nc, prefix, logger);
    const ask = async (rule: string[]) => (await requestJson<{ result: boolean }>(nc, `${prefix}bench.enforce`, rule)).result;
    const propagation: number[] = [];
    for (let trial = 0; trial < 200; trial++) {
      const grant = { subject: `probe-${trial}`, role: 'admin', domain: `tenant:${1 + trial}` };
      const request = [grant.subject, grant.domain, 'members', 'delete'];
      writer.announce([await orm.em.fork().transactional((tx) => writer.add(tx, grant))]);
      while (!(await ask(request))) await new Promise((r) => setTimeout(r, 1));
      const start = performance.now();
      writer.announce([await orm.em.fork().transactional((tx) => writer.remove(tx, grant))]);
      while (await ask(request)) { /* poll until the other process denies */ }
      propagation.push(performance.now() - start);
    }
    const prop = stats(propagation);
    results.push({ name: `Revocation reaches another process, 200 trials (p50 ${fmtMs(prop.p50)}; includes the commit)`, value: fmtMs(prop.p99), target: 'p99 ≤ 100 ms', ok: prop.p99 <= 100 });
    await nc.close();

    writeReport(results);
  } finally {
    childProcess?.kill('SIGKILL');
    await client.end();
    await orm.close(true);
    await dropDatabase(databaseUrl);
  }
}

const NOTES = `### How the numbers come about

- **What is measured.** \`enforce\` is \`PolicyEngine.enforce\`, the call every guard makes, on 100,000 requests
  (one in five about a tenant the user is not in), timed one by one with \`process.hrtime\`. The tenant ids are UUIDs.
- **Why it is fast.** node-casbin evaluates the matcher on every \`p\` rule through an expression interpreter, about
  3 µs per rule here; with the 39 rules of \`policy.csv\` that gave p50 115 µs and p99 385 µs (first run of this
  benchmark, 2026-11-22). \`shared/authz/rule-narrowing.ts\` reads the matcher's top-level conjuncts and keeps only the
  rules of roles the subject holds, for the object and action asked; when every conjunct is understood (true for
  \`policies/model.conf\`), the effect is applied to those rules directly. \`policy test\` and
  \`shared/authz/decider.test.ts\` (20,000 generated requests) check that every answer, and the rule explain names,
  equals the full node-casbin enforcer's. node-casbin is loaded from its CommonJS build, whose per-rule context copy
  is cheaper than the ESM build's.
- **Why p50 grows with the number of grants.** The work per decision is the same at 100 and 100,000 grants (two map
  lookups and a role-link walk, no scan), but at 100,000 grants those lookups miss the CPU caches; at 1.3 µs for 100
  grants, the 1.5× target leaves no room for those misses.
- **SQL comparison.** The alternative guard runs one indexed query per request over loopback with the \`pg\` client;
  its p50 is about 0.2 ms, so 100× would need an enforce p50 of 2 µs.
- **Batch check.** Server time runs from the request event to the response's \`finish\`; the client runs in a
  second process on the same 2 cores, and its figure also holds its own fetch and JSON work. At the enforce figures
  above the 100 decisions of a batch are a few hundred µs; the rest is HTTP, JSON, validation and token verification,
  and the p99 tail is
  mostly garbage collection and scheduling on 2 cores shared with Postgres, NATS and the client.
`;

function writeReport(results: Result[]) {
  writeSection('policy', 'Central policy (issue 3)', 'node --expose-gc --import tsx bench/policy.bench.ts', results, NOTES);
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else {
  await main();
  process.exit(0);
}
