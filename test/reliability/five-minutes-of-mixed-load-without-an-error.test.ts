import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  directoryUsers,
  eventually,
  startEveryService,
  type EveryService,
  type RunningAudit,
  type RunningAuthz,
  type RunningIdentity,
  type RunningSharing,
  type RunningTenancy,
} from '../support/harness.js';
import { person, type Person } from '../support/people.js';
import { ownDatabase, type OwnDatabase } from '../support/own-database.js';
import { writeSuiteReport } from './support/report.js';

// Issue 10, part 6: every service under a steady mixed load — sign-ins, checks, membership changes, share resolves and
// reads — for five minutes. No request may fail; p99 is reported per route; the live heap (after a full collection)
// must not grow by more than 10% between the first and the last minute after warm-up.
const SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS || 300);
const WARM_UP_SECONDS = Math.min(30, Math.floor(SECONDS / 5));
const RATE_PER_SECOND = 120;
const LANES = 12;
const PASSWORD = 'correct horse battery staple 42';

// A full collection on demand, for live-heap samples (vitest's workers run without --expose-gc).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

let services: EveryService;
let identity: RunningIdentity;
let tenancy: RunningTenancy;
let sharing: RunningSharing;
let audit: RunningAudit;
let authz: RunningAuthz;
let root: Person;
let member: Person;
let tenantAdmin: Person;
let auditor: Person;
let tenantId: string;
let shareTokens: string[];
const spareUsers: string[] = [];
let database: OwnDatabase;

beforeAll(async () => {
  // Five minutes of writes: a database of its own, so later suites do not query a grown one.
  database = await ownDatabase('load');
  const env = database.env;
  // One source sends every resolve here: the per-source limit is tested in the abuse suite, not in a load test.
  services = await startEveryService(env, { sharing: { RESOLVE_RATE_LIMIT: '100000000' } });
  ({ identity, tenancy, sharing, audit, authz } = services);
  root = await person(identity, 'load-root', ['platform_admin']);
  member = await person(identity, 'load-member');
  tenantAdmin = await person(identity, 'load-tenant-admin');
  auditor = await person(identity, 'load-auditor', ['auditor']);
  tenantId = (await call('POST', `${tenancy.url}/v1/tenants`, root.token, { name: 'Load', slug: `load-${randomUUID().slice(0, 8)}`, settings: { allow_public_shares: true } })).body.id;
  expect((await call('POST', `${tenancy.url}/v1/tenants/${tenantId}/members`, root.token, { user_id: member.id, roles: ['member'] })).status).toBe(201);
  expect((await call('POST', `${tenancy.url}/v1/tenants/${tenantId}/members`, root.token, { user_id: tenantAdmin.id, roles: ['admin'] })).status).toBe(201);
  await eventually(async () => ((await call('GET', `${sharing.url}/v1/tenants/${tenantId}/shares`, root.token)).status === 200 ? true : undefined));
  shareTokens = [];
  for (let i = 0; i < 50; i++) {
    const created = await call('POST', `${sharing.url}/v1/tenants/${tenantId}/shares`, root.token, { resource_type: 'document', resource_id: `doc-${i}`, visibility: 'public' });
    expect(created.status).toBe(201);
    shareTokens.push(created.body.token);
  }
  // Users the membership changes add and remove, straight into identity's table.
  for (let i = 0; i < LANES; i++) spareUsers.push(randomUUID());
  await directoryUsers(identity, spareUsers, 'load');
  await eventually(async () => ((await call('POST', `${authz.url}/v1/check`, member.token, { tenant_id: tenantId, object: 'document:1', action: 'read' })).body?.allowed ? true : undefined));
}, 120_000);

afterAll(async () => {
  await services?.close();
  await database?.drop();
});

interface Operation {
  route: string;
  /** Relative weight in the mix. */
  weight: number;
  run: (lane: number, i: number) => Promise<{ status: number; expected: number }>;
}

describe('five minutes of steady mixed load on every service', () => {
  it('answers every request as expected, reports p99 per route and keeps the live heap flat', async () => {
    const inTenancy = new Set<number>();
    const operations: Operation[] = [
      {
        route: 'identity POST /v1/auth/login',
        weight: 4,
        run: async () => ({ status: (await call('POST', `${identity.url}/v1/auth/login`, undefined, { email: member.email, password: PASSWORD })).status, expected: 200 }),
      },
      {
        route: 'authz POST /v1/check',
        weight: 30,
        run: async (_, i) => ({ status: (await call('POST', `${authz.url}/v1/check`, member.token, { tenant_id: tenantId, object: `document:${i % 100}`, action: i % 2 ? 'read' : 'share' })).status, expected: 200 }),
      },
      {
        route: 'authz POST /v1/check/batch (20)',
        weight: 10,
        run: async () => ({
          status: (await call('POST', `${authz.url}/v1/check/batch`, member.token, { checks: Array.from({ length: 20 }, (_, k) => ({ tenant_id: tenantId, object: k % 2 ? 'members' : 'document', action: k % 3 ? 'read' : 'create' })) })).status,
          expected: 200,
        }),
      },
      {
        route: 'tenancy POST / DELETE /v1/tenants/{id}/members',
        weight: 10,
        // Each lane owns one spare user and toggles its membership, so every change is valid when it is made.
        run: async (lane) => {
          const userId = spareUsers[lane];
          if (inTenancy.has(lane)) {
            const res = await call('DELETE', `${tenancy.url}/v1/tenants/${tenantId}/members/${userId}`, root.token);
            if (res.status === 204) inTenancy.delete(lane);
            return { status: res.status, expected: 204 };
          }
          const res = await call('POST', `${tenancy.url}/v1/tenants/${tenantId}/members`, root.token, { user_id: userId, roles: ['viewer'] });
          if (res.status === 201) inTenancy.add(lane);
          return { status: res.status, expected: 201 };
        },
      },
      {
        route: 'tenancy GET /v1/tenants/{id}/members',
        weight: 10,
        // The member list is for the tenant's admins (CONTRACT.md).
        run: async () => ({ status: (await call('GET', `${tenancy.url}/v1/tenants/${tenantId}/members?page=1&page_size=20&sort=name:asc`, tenantAdmin.token)).status, expected: 200 }),
      },
      {
        route: 'sharing GET /v1/s/{token}',
        weight: 25,
        run: async (_, i) => ({ status: (await call('GET', `${sharing.url}/v1/s/${shareTokens[i % shareTokens.length]}`)).status, expected: 200 }),
      },
      {
        route: 'audit GET /v1/events',
        weight: 6,
        run: async () => ({ status: (await call('GET', `${audit.url}/v1/events?limit=20`, auditor.token)).status, expected: 200 }),
      },
      {
        route: 'authz GET /v1/forward-auth',
        weight: 5,
        run: async () => {
          const res = await fetch(`${authz.url}/v1/forward-auth`, { headers: { authorization: `Bearer ${member.token}`, 'x-original-method': 'GET', 'x-original-uri': '/tenancy/v1/me/tenants' } });
          await res.arrayBuffer();
          return { status: res.status, expected: 200 };
        },
      },
    ];
    const totalWeight = operations.reduce((n, o) => n + o.weight, 0);
    const schedule = operations.flatMap((o) => Array.from({ length: o.weight }, () => o));

    const latencies = new Map<string, number[]>(operations.map((o) => [o.route, []]));
    const unexpected = new Map<string, number>();
    let requests = 0;
    const started = Date.now();
    const warmEnd = started + WARM_UP_SECONDS * 1000;
    const deadline = started + SECONDS * 1000;
    const interval = (1000 * LANES) / RATE_PER_SECOND;

    async function lane(n: number): Promise<void> {
      for (let i = n; Date.now() < deadline; i += LANES) {
        const due = started + (i / LANES) * interval + (n * interval) / LANES;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const op = schedule[(i * 7) % schedule.length];
        const t0 = performance.now();
        let outcome: { status: number; expected: number };
        try {
          outcome = await op.run(n, i);
        } catch {
          outcome = { status: 0, expected: -1 };
        }
        const ms = performance.now() - t0;
        requests++;
        if (outcome.status !== outcome.expected) {
          const key = `${op.route} → ${outcome.status}`;
          unexpected.set(key, (unexpected.get(key) ?? 0) + 1);
        }
        if (Date.now() >= warmEnd) latencies.get(op.route)!.push(ms);
      }
    }

    // Live heap after a full collection, every 10 s (the collection itself is a short pause for every service).
    const heap: { at: number; bytes: number; rss: number }[] = [];
    const sampler = (async () => {
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10_000));
        collectGarbage();
        const { heapUsed, rss } = process.memoryUsage();
        heap.push({ at: Date.now(), bytes: heapUsed, rss });
      }
    })();
    await Promise.all([sampler, ...Array.from({ length: LANES }, (_, n) => lane(n))]);

    const afterWarmUp = heap.filter((s) => s.at >= warmEnd);
    const minute = Math.min(60_000, (deadline - warmEnd) / 3);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const first = median(afterWarmUp.filter((s) => s.at < warmEnd + minute).map((s) => s.bytes));
    const last = median(afterWarmUp.filter((s) => s.at >= deadline - minute).map((s) => s.bytes));
    const growth = last / first - 1;
    const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

    expect([...unexpected]).toEqual([]);
    expect(growth).toBeLessThanOrEqual(0.1);

    const seconds = (Date.now() - started) / 1000;
    writeSuiteReport({
      suite: 'five-minutes-of-mixed-load-without-an-error',
      title: 'Load: five minutes of mixed traffic',
      part: 6,
      figures: [
        { name: 'Duration (warm-up included)', value: `${SECONDS} s (warm-up ${WARM_UP_SECONDS} s)` },
        { name: 'Requests', value: requests },
        { name: 'Rate', value: `${Math.round(requests / seconds)}/s from ${LANES} lanes (target ${RATE_PER_SECOND}/s)` },
        { name: 'Requests answered other than expected (errors)', value: [...unexpected.values()].reduce((a, b) => a + b, 0), expected: '0', ok: unexpected.size === 0 },
        ...operations.map((o) => {
          const samples = latencies.get(o.route)!;
          return { name: `${o.route} (${Math.round((o.weight / totalWeight) * 100)}% of the mix): p50 / p99 after warm-up`, value: `${percentile(samples, 50).toFixed(1)} / ${percentile(samples, 99).toFixed(1)} ms over ${samples.length.toLocaleString('en')}` };
        }),
        { name: 'Live heap after full GC, median of the first minute after warm-up', value: `${(first / 2 ** 20).toFixed(1)} MiB` },
        { name: 'Live heap after full GC, median of the last minute', value: `${(last / 2 ** 20).toFixed(1)} MiB` },
        { name: 'Live heap growth', value: `${(growth * 100).toFixed(1)}%`, expected: '≤ 10%', ok: growth <= 0.1 },
        { name: 'Resident set size, first → last sample', value: `${(heap[0].rss / 2 ** 20).toFixed(0)} → ${(heap[heap.length - 1].rss / 2 ** 20).toFixed(0)} MiB` },
      ],
      notes:
        'All five services run in the test process (as in the integration tests), so the heap figures are theirs together, with ' +
        'the load client; the client runs in the same process and its own work counts in the latencies. Sign-ins use argon2id ' +
        '(~15 ms of CPU each). Each lane keeps to its share of the rate, so the load stays steady rather than saturating.',
    });
  }, (SECONDS + 120) * 1000);
});
