// Issue 10 part 2: requests generated from each service's own /openapi.json — wrong types, missing and extra fields,
// 100 KB strings, emoji/RTL/NUL/lone surrogates, 1,000-deep JSON, broken UUIDs and percent escapes in paths, odd pages,
// sorts and content types, malformed JSON, bad tokens — sent to the five real services. None may answer 5xx, hang, or
// answer an error other than as application/problem+json with its status and title.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokensOf } from '../../services/identity/src/services/auth.service.js';
import {
  call,
  eventually,
  grantTokenEnv,
  startAudit,
  startAuthz,
  startIdentity,
  startSharing,
  startTenancy,
  uniqueEmail,
  type RunningAudit,
  type RunningAuthz,
  type RunningIdentity,
  type RunningSharing,
  type RunningTenancy,
} from '../support/harness.js';
import { person, signInWithTotp, type Person } from '../support/people.js';
import { agent, badAuthorizations, encode, inPool, keyOf, operationsOf, requests, send, type Operation, type RouteContext } from './support/bad-input.js';
import { writeSuiteReport } from './support/report.js';

const SUITE = 'no-bad-input-makes-a-service-fail';
const REQUESTS_PER_ROUTE = 1000;
const IN_FLIGHT = 12;
const TIMEOUT_MS = 15_000;
// people.ts signs everyone in with this password.
const PASSWORD = 'correct horse battery staple 42';
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

/**
 * Routes that change or end the fixture they are sent with run after the rest of their service, in this order; the
 * ones that end the caller's own session or password run with a throwaway caller (see `callerOf`).
 */
const LAST = [
  'DELETE /v1/tenants/{tenant_id}/shares/{share_id}',
  'DELETE /v1/tenants/{tenant_id}/invitations/{invitation_id}',
  'DELETE /v1/tenants/{tenant_id}/members/{user_id}',
  'DELETE /v1/tenants/{tenant_id}',
  'DELETE /v1/users/{user_id}',
];

let identity: RunningIdentity;
let tenancy: RunningTenancy;
let sharing: RunningSharing;
let audit: RunningAudit;
let authz: RunningAuthz;
let mailDir: string;

interface Fixture {
  root: Person;
  /** Platform admin signed in with TOTP: impersonation needs a recent second factor. */
  mfaAdmin: Person & { totpToken: string };
  members: Person[];
  /** Users the identity admin routes may disable, re-role and delete. */
  victims: Person[];
  /** Callers of the routes that end or change their own session, password or MFA. */
  self: Record<'profile' | 'sessionsOne' | 'sessionsAll' | 'password' | 'logout', Person>;
  otherSessionIds: string[];
  rootSessionId: string;
  loginEmail: string;
  refreshTokens: string[];
  mfaToken: string;
  tenant: { id: string; name: string };
  doomedTenants: { id: string; name: string }[];
  invitations: { id: string; token: string }[];
  shares: { id: string; token: string }[];
  impersonationId: string;
  auditCursor: string;
}
let fx: Fixture;

const documents: Record<string, Operation[]> = {};
const perRoute = new Map<string, number>();
const statuses = new Map<number, number>();
/** Bad answers by route and kind: how many, and the first request that got one. */
const failures = new Map<string, { count: number; example: string }>();
let serverErrors = 0;
let notProblems = 0;
let unanswered = 0;
const passedServices = new Set<string>();

let slugs = 0;
const slug = (label: string) => `${label}-${process.pid}-${Date.now().toString(36)}-${++slugs}`;

async function newTenant(label: string, allowPublic = true) {
  const s = slug(label);
  const res = await call('POST', `${tenancy.url}/v1/tenants`, fx.root.token, { name: `Bad input ${s}`, slug: s, settings: { allow_public_shares: allowPublic } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id as string, name: res.body.name as string };
}

/** Waits until every service's enforcer has every grant written so far. */
async function settled(): Promise<void> {
  const [{ version }] = await tenancy.runtime.orm.em.fork().execute<{ version: string }[]>('select version::text as version from authz.policy_version where id = 1');
  await eventually(async () => ([identity, tenancy, sharing, audit, authz].every((s) => s.runtime.policy.version >= Number(version)) ? true : undefined), 5000, 10);
}

async function sessionsOf(token: string): Promise<{ id: string; current: boolean }[]> {
  return (await call('GET', `${identity.url}/v1/me/sessions`, token)).body.items;
}

async function buildFixture(): Promise<Fixture> {
  const root = await person(identity, 'root', ['platform_admin']);
  fx = { root } as Fixture;
  const [members, victims, self, loginUser, refreshUser, mfaPerson] = await Promise.all([
    Promise.all(['admin', 'member', 'viewer'].map((l) => person(identity, `bad-${l}`))),
    Promise.all([1, 2, 3, 4].map((n) => person(identity, `victim${n}`))),
    Promise.all(['profile', 'sessionsOne', 'sessionsAll', 'password', 'logout'].map((l) => person(identity, l))),
    person(identity, 'login'),
    person(identity, 'refresh'),
    person(identity, 'mfa-admin', ['platform_admin']),
  ]);
  // More sessions for the session routes to end: one person's own, and (must stay untouched) root's.
  for (let i = 0; i < 3; i++) await identity.auth.login(self[1].email, PASSWORD, { request_id: 'fixture' });
  const otherSessionIds = (await sessionsOf(self[1].token)).filter((s) => !s.current).map((s) => s.id);
  const rootSessionId = (await sessionsOf(root.token)).find((s) => s.current)!.id;
  const refreshTokens = await Promise.all([1, 2, 3].map(async () => tokensOf(await identity.auth.login(refreshUser.email, PASSWORD, { request_id: 'fixture' })).refresh_token));
  const totpToken = await signInWithTotp(identity.url, mfaPerson);
  const mfaToken = (await call('POST', `${identity.url}/v1/auth/login`, undefined, { email: mfaPerson.email, password: PASSWORD })).body.mfa_token as string;

  const tenant = await newTenant('fixture');
  const doomedTenants = await Promise.all([1, 2, 3].map((n) => newTenant(`doomed${n}`)));
  for (const [member, role] of [[members[0], 'admin'], [members[1], 'member'], [members[2], 'viewer']] as const) {
    const added = await call('POST', `${tenancy.url}/v1/tenants/${tenant.id}/members`, root.token, { user_id: member.id, roles: [role] });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
  }
  const invitations = await Promise.all([1, 2, 3].map(async () => {
    const res = await call('POST', `${tenancy.url}/v1/tenants/${tenant.id}/invitations`, root.token, { email: uniqueEmail('invited'), roles: ['member'] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.id as string, token: res.body.token as string };
  }));
  await settled();
  // Sharing learns of the tenant from its events.
  const shares = await Promise.all((['public', 'tenant'] as const).map((visibility) =>
    eventually(async () => {
      const res = await call('POST', `${sharing.url}/v1/tenants/${tenant.id}/shares`, members[1].token, { resource_type: 'document', resource_id: slug('doc'), visibility });
      return res.status === 201 ? { id: res.body.id as string, token: res.body.token as string } : undefined;
    }, 10_000, 100),
  ));
  const impersonation = await call('POST', `${identity.url}/v1/impersonation`, totpToken, { target_user_id: members[2].id, reason: 'fixture for bad input' });
  expect(impersonation.status, JSON.stringify(impersonation.body)).toBe(201);
  const auditCursor = await eventually(async () => (await call('GET', `${audit.url}/v1/events?limit=1`, root.token)).body.next_cursor ?? undefined, 10_000, 100);
  await settled();
  return {
    root,
    mfaAdmin: { ...mfaPerson, totpToken },
    members,
    victims,
    self: { profile: self[0], sessionsOne: self[1], sessionsAll: self[2], password: self[3], logout: self[4] },
    otherSessionIds,
    rootSessionId,
    loginEmail: loginUser.email,
    refreshTokens,
    mfaToken,
    tenant,
    doomedTenants,
    invitations,
    shares,
    impersonationId: impersonation.body.session_id,
    auditCursor: String(auditCursor),
  };
}

/** Who sends a route's requests: root, except where the route would end root's own session or credentials. */
function callerOf(key: string): string {
  const own: Record<string, Person> = {
    'PATCH /v1/me': fx.self.profile,
    'POST /v1/me/mfa/totp': fx.self.profile,
    'POST /v1/me/mfa/totp/confirm': fx.self.profile,
    'DELETE /v1/me/mfa/totp': fx.self.profile,
    'DELETE /v1/me/sessions/{session_id}': fx.self.sessionsOne,
    'DELETE /v1/me/sessions': fx.self.sessionsAll,
    'PUT /v1/me/password': fx.self.password,
    // Ends its session at the first success; the rest are 401s, still checked.
    'POST /v1/auth/logout': fx.self.logout,
  };
  if (key === 'POST /v1/impersonation') return `Bearer ${fx.mfaAdmin.totpToken}`;
  return `Bearer ${(own[key] ?? fx.root).token}`;
}

/** Real values for parameters and fields, by name, so that part of the requests gets past validation into handlers. */
function knownValues(op: Operation): (name: string) => string[] | undefined {
  const key = keyOf(op);
  const ids = (people: Person[]) => people.map((p) => p.id);
  const sequences = ['1', '2', '9223372036854775807', '9223372036854775808', '9999999999999999999'];
  const userIds =
    op.service === 'identity'
      ? // Never root where a success would disable or demote it: every other route runs as root.
        ['PATCH /v1/users/{user_id}', 'PUT /v1/users/{user_id}/platform-roles'].includes(key) ? ids(fx.victims) : [...ids(fx.victims), fx.root.id]
      : op.service === 'tenancy'
        ? [...ids(fx.members), 'me']
        : [...ids(fx.members), fx.root.id, `share:${fx.shares[0].id}`];
  const values: Record<string, string[]> = {
    tenant_id: key === 'DELETE /v1/tenants/{tenant_id}' ? fx.doomedTenants.map((t) => t.id) : [fx.tenant.id],
    user_id: userIds,
    target_user_id: [...ids(fx.members), ...ids(fx.victims), fx.root.id],
    session_id: key.startsWith('GET /v1/impersonation') ? [fx.impersonationId] : [...fx.otherSessionIds, fx.rootSessionId],
    invitation_id: fx.invitations.map((i) => i.id),
    share_id: fx.shares.map((s) => s.id),
    token: op.service === 'sharing' ? fx.shares.map((s) => s.token) : fx.invitations.map((i) => i.token),
    invitation_token: fx.invitations.map((i) => i.token),
    refresh_token: fx.refreshTokens,
    mfa_token: [fx.mfaToken],
    email: key === 'POST /v1/auth/login' ? [fx.loginEmail] : [fx.members[0].email, fx.victims[0].email],
    password: [PASSWORD],
    current_password: [PASSWORD],
    roles: ['admin', 'member', 'viewer', 'auditor', 'platform_admin'],
    resource_type: ['document', 'invoice'],
    object: ['document', 'tenant', 'shares', 'members', 'audit'],
    action: ['read', 'share', 'create', 'delete', 'update'],
    subject: [...ids(fx.members), `share:${fx.shares[0].id}`],
    actor_id: [fx.root.id],
    type: ['portcullis.identity.login.succeeded', 'portcullis.tenancy.tenant.created'],
    // Sequences are bigints: the largest, and 19-digit ones past it.
    last_event_id: sequences,
    ...(key === 'GET /v1/verify' ? { from: sequences, to: sequences } : {}),
    cursor: [fx.auditCursor, ...['9999999999999999999', '-1', '1 '].map((n) => Buffer.from(`seq:${n}`).toString('base64url'))],
  };
  return (name) => values[name];
}

/** Headers a route reads that its document does not list. */
function extraHeadersOf(op: Operation): fc.Arbitrary<Record<string, string>> | undefined {
  const key = keyOf(op);
  if (key === 'DELETE /v1/tenants/{tenant_id}') {
    return fc.option(fc.oneof(fc.constantFrom(...fx.doomedTenants.map((t) => t.name)), fc.constantFrom('wrong', '', 'a'.repeat(4000), '\xff')), { nil: undefined, freq: 2 })
      .map((name): Record<string, string> => (name === undefined ? {} : { 'x-confirm-name': name }));
  }
  if (key === 'GET /v1/events/stream') {
    return fc.option(fc.constantFrom('1', '0', '-1', '9223372036854775807', '99999999999999999999', 'abc', ''), { nil: undefined })
      .map((id): Record<string, string> => (id === undefined ? {} : { 'last-event-id': id }));
  }
  if (key === 'GET /v1/forward-auth') {
    // The gateway's sub-request: the original method and URI, as nginx (x-original-*) or Traefik (x-forwarded-*) send them.
    const gatewayPaths = Object.values(documents).flat().map((o) => `/${o.service}${o.path}`);
    const segment = fc.oneof(fc.constant(fx.tenant.id), fc.uuid(), fc.constantFrom('%', '%FF', '%E0%A4%A', '%zz', '..', '%2F', 'me', '*'), fc.string({ maxLength: 12 }).map(encode));
    const uri = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...gatewayPaths), segment, segment, fc.constantFrom('', '?a=1', '?%FF', '#x')).map(([p, a, b, tail]) => p.replace(/\{[^}]+\}/, a).replace(/\{[^}]+\}/, b) + tail) },
      { weight: 1, arbitrary: fc.constantFrom('', '/', '//', '*', 'http://evil.example/identity/v1/me', '/identity/v1/me?x=%FF', '/%', '/%FF', `/${'a'.repeat(8000)}`, '\xff', 'relative/path') },
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'get', '', 'G E T', 'PROPFIND', '*', '\xff');
    return fc.tuple(fc.boolean(), fc.option(method, { nil: undefined, freq: 8 }), fc.option(uri, { nil: undefined, freq: 8 })).map(([nginx, m, u]) => {
      const prefix = nginx ? 'x-original' : 'x-forwarded';
      return { ...(m === undefined ? {} : { [`${prefix}-method`]: m }), ...(u === undefined ? {} : { [`${prefix}-uri`]: u }) };
    });
  }
  return undefined;
}

function contextOf(op: Operation): RouteContext {
  const main = callerOf(keyOf(op));
  // A route that ends its caller's sessions gets no other real token to end.
  const ownOnly = main !== `Bearer ${fx.root.token}`;
  return {
    known: knownValues(op),
    callers: { main, others: [undefined, ...(ownOnly ? [] : [`Bearer ${fx.members[1].token}`]), ...badAuthorizations(main.slice('Bearer '.length))] },
    extraHeaders: extraHeadersOf(op),
  };
}

/** Why an answer breaks the contract, if it does. */
function complaint(status: number, contentType: string, body: string): string | undefined {
  if (status >= 500) return `answered ${status}`;
  if (status < 400) return undefined;
  if (!contentType.startsWith('application/problem+json')) return `a ${status} as "${contentType}", not application/problem+json`;
  let problem: { status?: unknown; title?: unknown };
  try {
    problem = JSON.parse(body);
  } catch {
    return `a ${status} whose body is not JSON`;
  }
  if (problem.status !== status || typeof problem.title !== 'string' || !problem.title) return `a ${status} problem without a matching status and a title`;
  return undefined;
}

async function hammer(op: Operation): Promise<void> {
  const key = `${op.service} ${keyOf(op)}`;
  const batch = fc.sample(requests(op, contextOf(op)), { numRuns: REQUESTS_PER_ROUTE, seed: SEED + perRoute.size });
  await inPool(batch, IN_FLIGHT, async (req) => {
    let problem: string | undefined;
    let shown = '';
    try {
      const answer = await send(op.baseUrl, req, TIMEOUT_MS);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      problem = complaint(answer.status, answer.contentType, answer.body);
      if (answer.status >= 500) serverErrors += 1;
      else if (problem) notProblems += 1;
      shown = answer.body.slice(0, 300);
    } catch (error) {
      unanswered += 1;
      problem = `no answer: ${(error as Error).message}`;
    }
    if (problem) {
      const kind = `${key}: ${problem.replace(/\d+ ms/, 'time')}`;
      const seen = failures.get(kind);
      if (seen) seen.count += 1;
      else {
        const body = req.body ? ` body ${JSON.stringify(req.body.subarray(0, 200).toString('utf8'))}` : '';
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, v.length > 60 ? `${v.slice(0, 60)}…` : v]));
        failures.set(kind, { count: 1, example: `${req.method} ${req.target.slice(0, 200)} [${req.what.join('; ')}] headers ${JSON.stringify(headers)}${body} → ${shown}` });
      }
    }
  });
  perRoute.set(key, batch.length);
  // Every other route runs as root: if this one ended root's session, the rest would test nothing but 401.
  const canary = await call('GET', `${identity.url}/v1/me`, fx.root.token);
  expect(canary.status, `root's session ended while ${key} was sent bad input`).toBe(200);
}

async function hammerService(service: string): Promise<void> {
  const ops = documents[service];
  expect(ops.length).toBeGreaterThan(0);
  const rank = (op: Operation) => LAST.indexOf(keyOf(op));
  const ordered = [...ops].sort((a, b) => rank(a) - rank(b));
  for (const op of ordered) await hammer(op);
  const mine = [...failures.entries()].filter(([kind]) => kind.startsWith(`${service} `)).map(([kind, { count, example }]) => `${count}× ${kind} — e.g. ${example}`);
  expect(mine, `bad answers from ${service} (FUZZ_SEED=${SEED} repeats the run)`).toEqual([]);
  passedServices.add(service);
}

beforeAll(async () => {
  mailDir = mkdtempSync(join(tmpdir(), 'portcullis-bad-input-'));
  identity = await startIdentity();
  tenancy = await startTenancy(identity, { MAIL_OUTBOX_DIR: mailDir });
  // The per-address resolve limit would answer nearly every link request 429 before the resolver ran.
  sharing = await startSharing(identity, { RESOLVE_RATE_LIMIT: '1000000' });
  audit = await startAudit(identity);
  authz = await startAuthz(identity, grantTokenEnv(sharing));
  for (const [name, service] of Object.entries({ identity, tenancy, sharing, audit, authz })) {
    const res = await call('GET', `${service.url}/openapi.json`);
    expect(res.status).toBe(200);
    documents[name] = operationsOf(name, service.url, res.body);
  }
  fx = await buildFixture();
}, 120_000);

afterAll(async () => {
  agent.destroy();
  await Promise.all([authz?.close(), audit?.close(), sharing?.close(), tenancy?.close()]);
  await identity?.close();
  if (mailDir) rmSync(mailDir, { recursive: true, force: true });
});

describe(`every route of every service, sent ${REQUESTS_PER_ROUTE} generated bad requests each`, () => {
  for (const service of ['identity', 'tenancy', 'sharing', 'audit', 'authz']) {
    it(`${service} answers each with a 2xx, 3xx or a problem+json 4xx — never a 5xx, and never hangs`, { timeout: 150_000 }, async () => {
      await hammerService(service);
    });
  }

  it('the figures are recorded once every service has passed', () => {
    expect([...passedServices].sort()).toEqual(['audit', 'authz', 'identity', 'sharing', 'tenancy']);
    const counts = [...perRoute.values()];
    const total = counts.reduce((a, b) => a + b, 0);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(REQUESTS_PER_ROUTE);
    writeSuiteReport({
      suite: SUITE,
      title: 'Bad input',
      part: 2,
      figures: [
        { name: 'services', value: 5 },
        { name: 'routes (operations) tried', value: perRoute.size },
        { name: 'requests tried', value: total },
        { name: 'minimum requests for any route', value: Math.min(...counts), expected: `≥ ${REQUESTS_PER_ROUTE}`, ok: true },
        { name: '5xx answers', value: serverErrors, expected: '0', ok: serverErrors === 0 },
        { name: 'errors not problem+json', value: notProblems, expected: '0', ok: notProblems === 0 },
        { name: `requests without an answer within ${TIMEOUT_MS / 1000} s`, value: unanswered, expected: '0', ok: unanswered === 0 },
        ...[...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => ({ name: `${status} answers`, value: count })),
      ],
      notes: [
        `Generated with fast-check from each service's GET /openapi.json (seed ${SEED}), ${IN_FLIGHT} requests in flight, against real identity, tenancy,`,
        'sharing, audit and authz on Postgres and NATS. Most requests carry a platform admin token so they reach validation and, with real tenant,',
        'user, share, invitation and session ids mixed in, the handlers; the rest are anonymous, a tenant member, or a forged or malformed token.',
        'No route is left out: the event stream and the export are answered by status (their bodies do not end); login uses a throwaway account;',
        'routes that end their caller\'s session or password run as throwaway users, and deletions run last in their service.',
      ].join(' '),
    });
  });
});
