// The policy benchmarks' workload: UUID tenants, members with admin/member/viewer roles, and a request mix in which one
// request in five asks about a tenant the user is not in (a deny).

/** Tenant n is 00000000-0000-4000-8000-<n, 12 digits>, a UUID as in the product. */
export const tenantId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** The same id in SQL, for a generate_series over t. */
export const TENANT_ID_SQL = `'00000000-0000-4000-8000-' || lpad(t::text, 12, '0')`;
/** Member 1 of each tenant is its admin, members 2–7 members, the rest viewers. */
export const roleOf = (member: number) => (member === 1 ? 'admin' : member <= 7 ? 'member' : 'viewer');
export const ROLE_SQL = `case when m = 1 then 'admin' when m <= 7 then 'member' else 'viewer' end`;

export type PolicyRequest = [subject: string, domain: string, object: string, action: string];

const ACTIONS: [string, string][] = [
  ['document:1', 'read'], ['document', 'share'], ['members', 'create'], ['tenant', 'update'], ['shares', 'create'], ['audit', 'read'],
];

/** `g` rules for `tenants` × `members` grants. */
export function grantsOf(tenants: number, members: number): string[][] {
  const grants: string[][] = [];
  for (let t = 1; t <= tenants; t++) for (let m = 1; m <= members; m++) grants.push([`u-${t}-${m}`, roleOf(m), `tenant:${tenantId(t)}`]);
  return grants;
}

export function requestsOf(count: number, tenants: number, members: number): PolicyRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const t = 1 + ((i * 7919) % tenants);
    const m = 1 + ((i * 104729) % members);
    const dom = `tenant:${tenantId(i % 5 === 0 ? 1 + ((t + 1) % tenants) : t)}`;
    const [obj, act] = ACTIONS[i % ACTIONS.length];
    return [`u-${t}-${m}`, dom, obj, act];
  });
}

/** Nanoseconds per decision, timed one by one after a warm-up of 2,000. */
export function timeEach(decide: (request: PolicyRequest) => boolean, requests: PolicyRequest[]): number[] {
  for (const request of requests.slice(0, 2000)) decide(request);
  return requests.map((request) => {
    const start = process.hrtime.bigint();
    decide(request);
    return Number(process.hrtime.bigint() - start);
  });
}

export const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();

/** Heap in use after collections with turns of the event loop between them: what is still referenced (needs --expose-gc). */
export async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}
