import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceRuntime } from '@portcullis/shared/runtime';
import {
  call,
  eventually,
  startEveryService,
  uniqueEmail,
  type EveryService,
  type RunningAudit,
  type RunningAuthz,
  type RunningIdentity,
  type RunningSharing,
  type RunningTenancy,
} from '../support/harness.js';
import { person, signInWithTotp, type Person } from '../support/people.js';
import { tokensOf } from '../../services/identity/src/services/auth.service.js';
import { writeSuiteReport } from './support/report.js';

// Issue 10, part 4: the tenant isolation matrix. Every route of every service (read from each service's live
// /openapi.json, plus the few routes outside it), called by each kind of caller about tenant A (where the tenant
// admin, member and viewer belong) and about tenant B (where they do not, and the other tenant's admin does), answers
// the status in the table below; no 2xx reaches a caller the table refuses, and no body carries the other tenant's data
// (names, slugs, emails or ids). Each call is also put to the gateway's forward-auth first: it must let through every
// call the service answers, and refuse only with the very status the service refuses with.
const SUITE = 'every-route-answers-every-caller-as-the-isolation-table-says';
const PASSWORD = 'correct horse battery staple 42';

const SERVICES = ['identity', 'tenancy', 'sharing', 'audit', 'authz'] as const;
type Service = (typeof SERVICES)[number];
const CALLERS = ['platform_admin', 'auditor', 'admin', 'member', 'viewer', 'other_tenant_admin', 'anonymous', 'impersonator'] as const;
type Caller = (typeof CALLERS)[number];
/** own: tenant A, the home of admin, member and viewer; other: tenant B, whose admin is other_tenant_admin. */
type Side = 'own' | 'other';
const SIDES: Side[] = ['own', 'other'];
const TENANT_LABEL: Record<Side, string> = { own: 'tenant A (own)', other: 'tenant B (other)' };

/** What a caller is in the tenant a request names. */
type Standing = 'platform_admin' | 'auditor' | 'admin' | 'member' | 'viewer' | 'outsider' | 'anonymous';

function standing(caller: Caller, side: Side): Standing {
  switch (caller) {
    case 'platform_admin':
    case 'auditor':
    case 'anonymous':
      return caller;
    case 'other_tenant_admin':
      return side === 'other' ? 'admin' : 'outsider';
    // An impersonator acts with the impersonated member's rights, nothing more.
    case 'impersonator':
      return side === 'own' ? 'member' : 'outsider';
    default:
      return side === 'own' ? caller : 'outsider';
  }
}

type Expected = (caller: Caller, side: Side) => number;
type InTenant = Record<'platform_admin' | 'auditor' | 'admin' | 'member' | 'viewer', number>;

/** A route in a tenant: the status follows the caller's standing there; outsiders get 404, as for a missing tenant. */
const inTenant = (statuses: InTenant, outsider = 404): Expected => (caller, side) => ({ ...statuses, outsider, anonymous: 401 })[standing(caller, side)];
const adminsOnly = (ok: number) => inTenant({ platform_admin: ok, auditor: 403, admin: ok, member: 403, viewer: 403 });
const everyMember = (ok: number) => inTenant({ platform_admin: ok, auditor: ok, admin: ok, member: ok, viewer: ok });
/** Public: the same answer whoever calls, with a token or without. */
const anyone = (status: number): Expected => () => status;
/** Any valid token; the service scopes the answer to the caller. */
const signedIn = (status: number): Expected => (caller) => (caller === 'anonymous' ? 401 : status);
/** Platform administration: `users …` and the like in the platform domain (403, never 404: there is no tenant to hide). */
const platformOnly = (ok: number, auditorToo = false): Expected => (caller) =>
  caller === 'anonymous' ? 401 : caller === 'platform_admin' || (auditorToo && caller === 'auditor') ? ok : 403;
/**
 * The credentials and sessions of the account signed in to: every signed-in caller, but never an impersonation (the
 * own-account rule in policy.csv: 403).
 */
const ownCredentials = (status: number): Expected => (caller) => (caller === 'anonymous' ? 401 : caller === 'impersonator' ? 403 : status);
const bySide = (own: Expected, other: Expected): Expected => (caller, side) => (side === 'own' ? own : other)(caller, side);

interface TenantFixture {
  side: Side;
  id: string;
  name: string;
  /** Its admin (A: admin; B: other_tenant_admin). */
  admin: Person;
  /** A plain member the routes act on (roles, user admin, sessions). */
  target: Person;
  targetSessionId: string;
  /** Who made the tenant's link (A: the member caller, so the member sees their own link; B: B's target). */
  sharer: Person;
  invitationId: string;
  share: { id: string; token: string };
}

interface Ctx {
  caller: Caller;
  side: Side;
  /** The tenant of this column: A for own, B for other. */
  t: TenantFixture;
  token?: string;
  /** The session of `token` (the fresh one of a `session` probe). */
  sessionId?: string;
}

interface Req {
  /** With any query; must match the row's path template. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** What the answer may show because the request itself grants it (signing up with an invitation names its tenant). */
  reveals?: string[];
}

/**
 * shared: runs on the shared fixture without spoiling it (what it creates is new and its own);
 * fresh: first makes what it changes (a tenant, a member, an invitation, a link, a user);
 * session: ends the caller's session or sessions, so it runs last, one call at a time, each with a fresh sign-in.
 */
type Kind = 'shared' | 'fresh' | 'session';

interface Probe {
  label?: string;
  kind: Kind;
  expected: Expected;
  request: (ctx: Ctx) => Req | Promise<Req>;
}

interface Row {
  service: Service;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As the service's OpenAPI document names it. */
  path: string;
  /** Infrastructure (health, readiness, metrics, the document itself, JWKS, discovery), not an API operation. */
  system?: boolean;
  /** Not routed by the gateway (readiness, metrics, the document, forward-auth itself): forward-auth refuses it. */
  notRouted?: boolean;
  probes: Probe[];
}

let services: EveryService;
let identity: RunningIdentity;
let tenancy: RunningTenancy;
let sharing: RunningSharing;
let audit: RunningAudit;
let authz: RunningAuthz;
let url: Record<Service, string>;
const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;
let counter = 0;
const next = () => ++counter;

const people = {} as Record<'platform_admin' | 'auditor' | 'impersonator' | 'admin' | 'member' | 'viewer' | 'other_tenant_admin' | 'a_second_admin' | 'b_second_admin', Person>;
let impersonatorOtp: string;
let impersonation: { session_id: string; access_token: string };
const fixtures = {} as Record<Side, TenantFixture>;
let fixtureAudit: { actor: { user_id: string }; request_id: string };

const get = (path: string): Probe => ({ kind: 'shared', expected: anyone(200), request: () => ({ path }) });
const shared = (expected: Expected, request: Probe['request']): Probe => ({ kind: 'shared', expected, request });
const fresh = (expected: Expected, request: Probe['request'], label?: string): Probe => ({ kind: 'fresh', expected, request, label });
const session = (expected: Expected, request: Probe['request']): Probe => ({ kind: 'session', expected, request });
const tenantPath = (suffix = '') => ({ t }: Ctx) => ({ path: `/v1/tenants/${t.id}${suffix}` });

/** Health, readiness, metrics and the OpenAPI document: every service serves them to anyone (the gateway does not route /metrics). */
const systemRows = (service: Service): Row[] =>
  ['/healthz', '/readyz', '/metrics', '/openapi.json'].map((path) => ({ service, method: 'GET', path, system: true, notRouted: path !== '/healthz', probes: [get(path)] }));

const TABLE: Row[] = [
  // identity: sign-in is public; the credential in the body decides, a bearer token changes nothing.
  ...systemRows('identity'),
  { service: 'identity', method: 'GET', path: '/.well-known/jwks.json', system: true, probes: [get('/.well-known/jwks.json')] },
  { service: 'identity', method: 'GET', path: '/.well-known/openid-configuration', system: true, probes: [get('/.well-known/openid-configuration')] },
  {
    service: 'identity',
    method: 'POST',
    path: '/v1/auth/register',
    probes: [
      fresh(anyone(201), async ({ t }) => {
        const { token } = await tenancy.invitations.create(t.id, { email: uniqueEmail('registrant'), roles: ['viewer'] }, fixtureAudit);
        return { path: '/v1/auth/register', body: { invitation_token: token, name: 'Registrant', password: PASSWORD }, reveals: [t.id] };
      }),
    ],
  },
  { service: 'identity', method: 'POST', path: '/v1/auth/login', probes: [shared(anyone(200), ({ t }) => ({ path: '/v1/auth/login', body: { email: t.target.email, password: PASSWORD } }))] },
  {
    service: 'identity',
    method: 'POST',
    path: '/v1/auth/mfa',
    probes: [shared(anyone(401), () => ({ path: '/v1/auth/mfa', body: { mfa_token: 'no-such-mfa-token-0123456789abcdef', code: '123456' } }))],
  },
  {
    service: 'identity',
    method: 'POST',
    path: '/v1/auth/refresh',
    probes: [fresh(anyone(200), async ({ t }) => ({ path: '/v1/auth/refresh', body: { refresh_token: (await signIn(t.target)).refresh_token } }))],
  },
  { service: 'identity', method: 'POST', path: '/v1/auth/logout', probes: [session(signedIn(204), () => ({ path: '/v1/auth/logout' }))] },
  // /v1/me…: always the caller's own (an impersonator's is the impersonated member's).
  { service: 'identity', method: 'GET', path: '/v1/me', probes: [shared(signedIn(200), () => ({ path: '/v1/me' }))] },
  { service: 'identity', method: 'PATCH', path: '/v1/me', probes: [shared(signedIn(200), () => ({ path: '/v1/me', body: { name: 'Renamed by the isolation matrix' } }))] },
  {
    service: 'identity',
    method: 'PUT',
    path: '/v1/me/password',
    // The same password again: later sign-ins still work; the caller's other sessions end all the same.
    probes: [session(ownCredentials(200), () => ({ path: '/v1/me/password', body: { current_password: PASSWORD, new_password: PASSWORD } }))],
  },
  { service: 'identity', method: 'GET', path: '/v1/me/sessions', probes: [shared(signedIn(200), () => ({ path: '/v1/me/sessions' }))] },
  { service: 'identity', method: 'DELETE', path: '/v1/me/sessions', probes: [session(ownCredentials(200), () => ({ path: '/v1/me/sessions' }))] },
  {
    service: 'identity',
    method: 'DELETE',
    path: '/v1/me/sessions/{session_id}',
    // Own column: the caller's own session (204). Other column: a session of tenant B's target user, which is nobody's
    // here to end (404, as if there were none).
    probes: [session(bySide(ownCredentials(204), ownCredentials(404)), ({ side, t, sessionId }) => ({ path: `/v1/me/sessions/${side === 'own' ? (sessionId ?? randomUUID()) : t.targetSessionId}` }))],
  },
  { service: 'identity', method: 'POST', path: '/v1/me/mfa/totp', probes: [shared(ownCredentials(200), () => ({ path: '/v1/me/mfa/totp' }))] },
  {
    service: 'identity',
    method: 'POST',
    path: '/v1/me/mfa/totp/confirm',
    // Enrolled first, then a code that is not one: 400, and TOTP stays off (later sign-ins need no second factor).
    probes: [
      shared(ownCredentials(400), async ({ token }) => {
        if (token) await call('POST', `${url.identity}/v1/me/mfa/totp`, token);
        return { path: '/v1/me/mfa/totp/confirm', body: { code: 'not-a-code' } };
      }),
    ],
  },
  // TOTP is off for every caller (the impersonator's own is on, but it acts as the member): nothing to turn off.
  { service: 'identity', method: 'DELETE', path: '/v1/me/mfa/totp', probes: [shared(ownCredentials(404), () => ({ path: '/v1/me/mfa/totp', body: { code: 'not-a-code' } }))] },
  // User administration is the platform's: tenant admins included, everyone else gets 403.
  {
    service: 'identity',
    method: 'POST',
    path: '/v1/users',
    probes: [shared(platformOnly(201), () => ({ path: '/v1/users', body: { email: uniqueEmail('created'), name: 'Created by the matrix', password: PASSWORD } }))],
  },
  { service: 'identity', method: 'GET', path: '/v1/users', probes: [shared(platformOnly(200, true), () => ({ path: '/v1/users' }))] },
  { service: 'identity', method: 'GET', path: '/v1/users/{user_id}', probes: [shared(platformOnly(200, true), ({ t }) => ({ path: `/v1/users/${t.target.id}` }))] },
  { service: 'identity', method: 'PATCH', path: '/v1/users/{user_id}', probes: [shared(platformOnly(200), ({ t }) => ({ path: `/v1/users/${t.target.id}`, body: { name: 'Target renamed' } }))] },
  { service: 'identity', method: 'DELETE', path: '/v1/users/{user_id}', probes: [fresh(platformOnly(204), async () => ({ path: `/v1/users/${(await newUser('doomed')).id}` }))] },
  {
    service: 'identity',
    method: 'PUT',
    path: '/v1/users/{user_id}/platform-roles',
    probes: [shared(platformOnly(200), ({ t }) => ({ path: `/v1/users/${t.target.id}/platform-roles`, body: { roles: [] } }))],
  },
  {
    service: 'identity',
    method: 'POST',
    path: '/v1/impersonation',
    // Refused for everyone here: the platform admin signed in with a password only (step-up needed), the impersonator
    // holds an impersonation token (no chains), and nobody else may impersonate.
    probes: [shared(signedIn(403), ({ t }) => ({ path: '/v1/impersonation', body: { target_user_id: t.target.id, reason: 'isolation matrix' } }))],
  },
  {
    service: 'identity',
    method: 'POST',
    path: '/v1/impersonation/end',
    // Only an open impersonation ends: the impersonator's (a fresh one each time); everyone else has none.
    probes: [session((caller) => (caller === 'anonymous' ? 401 : caller === 'impersonator' ? 200 : 404), () => ({ path: '/v1/impersonation/end' }))],
  },
  { service: 'identity', method: 'GET', path: '/v1/impersonation/sessions', probes: [shared(platformOnly(200, true), () => ({ path: '/v1/impersonation/sessions' }))] },
  {
    service: 'identity',
    method: 'GET',
    path: '/v1/impersonation/sessions/{session_id}',
    probes: [shared(platformOnly(200, true), () => ({ path: `/v1/impersonation/sessions/${impersonation.session_id}` }))],
  },
  { service: 'identity', method: 'GET', path: '/v1/me/impersonations', probes: [shared(signedIn(200), () => ({ path: '/v1/me/impersonations' }))] },

  // tenancy
  ...systemRows('tenancy'),
  {
    service: 'tenancy',
    method: 'POST',
    path: '/v1/tenants',
    probes: [shared(platformOnly(201), () => { const n = next(); return { path: '/v1/tenants', body: { name: `Matrix new ${runId} ${n}`, slug: `mn-${runId}-${n}` } }; })],
  },
  // Every tenant for platform admins and auditors, otherwise the caller's own (the leak check reads the bodies).
  { service: 'tenancy', method: 'GET', path: '/v1/tenants', probes: [shared(signedIn(200), () => ({ path: '/v1/tenants?page_size=100' }))] },
  { service: 'tenancy', method: 'GET', path: '/v1/tenants/{tenant_id}', probes: [shared(everyMember(200), tenantPath())] },
  {
    service: 'tenancy',
    method: 'PATCH',
    path: '/v1/tenants/{tenant_id}',
    probes: [shared(adminsOnly(200), ({ t }) => ({ path: `/v1/tenants/${t.id}`, body: { settings: { allow_public_shares: true } } }))],
  },
  {
    service: 'tenancy',
    method: 'DELETE',
    path: '/v1/tenants/{tenant_id}',
    probes: [
      fresh(inTenant({ platform_admin: 204, auditor: 403, admin: 403, member: 403, viewer: 403 }), async ({ side }) => ({ path: `/v1/tenants/${(await freshTenant(side)).id}` }), 'disable'),
      fresh(
        inTenant({ platform_admin: 204, auditor: 403, admin: 403, member: 403, viewer: 403 }),
        async ({ side }) => {
          const tenant = await freshTenant(side);
          return { path: `/v1/tenants/${tenant.id}?hard=true`, headers: { 'x-confirm-name': tenant.name } };
        },
        'purge',
      ),
    ],
  },
  // A tenant's member list is for its admins and platform admins (CONTRACT.md); auditors see the tenant but not its list.
  { service: 'tenancy', method: 'GET', path: '/v1/tenants/{tenant_id}/members', probes: [shared(adminsOnly(200), tenantPath('/members?page_size=100'))] },
  {
    service: 'tenancy',
    method: 'POST',
    path: '/v1/tenants/{tenant_id}/members',
    probes: [fresh(adminsOnly(201), async ({ t }) => ({ path: `/v1/tenants/${t.id}/members`, body: { user_id: (await newUser('newcomer')).id, roles: ['viewer'] } }))],
  },
  {
    service: 'tenancy',
    method: 'PUT',
    path: '/v1/tenants/{tenant_id}/members/{user_id}/roles',
    // The roles it has already: allowed callers change nothing, so the fixture stays as it is.
    probes: [shared(adminsOnly(200), ({ t }) => ({ path: `/v1/tenants/${t.id}/members/${t.target.id}/roles`, body: { roles: ['member'] } }))],
  },
  {
    service: 'tenancy',
    method: 'DELETE',
    path: '/v1/tenants/{tenant_id}/members/{user_id}',
    probes: [
      fresh(adminsOnly(204), async ({ t }) => {
        const leaving = await newUser('removed');
        await tenancy.members.add(t.id, { user_id: leaving.id, roles: ['member'] }, fixtureAudit);
        return { path: `/v1/tenants/${t.id}/members/${leaving.id}` };
      }),
      // Leaving (`me`) needs no right but membership: platform admins and auditors see the tenant yet belong to none.
      fresh(
        inTenant({ platform_admin: 404, auditor: 404, admin: 204, member: 204, viewer: 204 }),
        async ({ side }) => ({ path: `/v1/tenants/${(await freshTenant(side)).id}/members/me` }),
        'me (leave)',
      ),
    ],
  },
  { service: 'tenancy', method: 'GET', path: '/v1/tenants/{tenant_id}/invitations', probes: [shared(adminsOnly(200), tenantPath('/invitations?status=all&page_size=100'))] },
  {
    service: 'tenancy',
    method: 'POST',
    path: '/v1/tenants/{tenant_id}/invitations',
    probes: [shared(adminsOnly(201), ({ t }) => ({ path: `/v1/tenants/${t.id}/invitations`, body: { email: uniqueEmail('invitee'), roles: ['member'] } }))],
  },
  {
    service: 'tenancy',
    method: 'POST',
    path: '/v1/tenants/{tenant_id}/invitations/{invitation_id}/resend',
    probes: [shared(adminsOnly(200), ({ t }) => ({ path: `/v1/tenants/${t.id}/invitations/${t.invitationId}/resend` }))],
  },
  {
    service: 'tenancy',
    method: 'DELETE',
    path: '/v1/tenants/{tenant_id}/invitations/{invitation_id}',
    probes: [fresh(adminsOnly(204), async ({ t }) => ({ path: `/v1/tenants/${t.id}/invitations/${(await invite(t.id)).id}` }))],
  },
  {
    service: 'tenancy',
    method: 'POST',
    path: '/v1/invitations/accept',
    // An invitation to someone else's email, in the column's tenant: nobody but the invited person may take it.
    probes: [fresh(signedIn(403), async ({ t }) => ({ path: '/v1/invitations/accept', body: { token: (await invite(t.id)).token } }))],
  },
  { service: 'tenancy', method: 'GET', path: '/v1/me/tenants', probes: [shared(signedIn(200), () => ({ path: '/v1/me/tenants' }))] },
  { service: 'tenancy', method: 'GET', path: '/v1/roles', probes: [shared(signedIn(200), () => ({ path: '/v1/roles' }))] },

  // sharing: members share and see their own links, admins (and platform admins) manage all; viewers and auditors
  // see the tenant but not its links (403); outsiders get 404.
  ...systemRows('sharing'),
  { service: 'sharing', method: 'GET', path: '/.well-known/jwks.json', system: true, probes: [get('/.well-known/jwks.json')] },
  {
    service: 'sharing',
    method: 'POST',
    path: '/v1/tenants/{tenant_id}/shares',
    probes: [
      shared(inTenant({ platform_admin: 201, auditor: 403, admin: 201, member: 201, viewer: 403 }), ({ t }) => ({
        path: `/v1/tenants/${t.id}/shares`,
        body: { resource_type: 'document', resource_id: `doc-${runId}-${next()}`, visibility: 'tenant' },
      })),
    ],
  },
  {
    service: 'sharing',
    method: 'GET',
    path: '/v1/tenants/{tenant_id}/shares',
    probes: [shared(inTenant({ platform_admin: 200, auditor: 403, admin: 200, member: 200, viewer: 403 }), tenantPath('/shares?page_size=100'))],
  },
  {
    service: 'sharing',
    method: 'GET',
    path: '/v1/tenants/{tenant_id}/shares/{share_id}',
    // In A the link is the member's own; in B it is B's target's, seen by B's admin.
    probes: [shared(inTenant({ platform_admin: 200, auditor: 403, admin: 200, member: 200, viewer: 403 }), ({ t }) => ({ path: `/v1/tenants/${t.id}/shares/${t.share.id}` }))],
  },
  {
    service: 'sharing',
    method: 'DELETE',
    path: '/v1/tenants/{tenant_id}/shares/{share_id}',
    probes: [
      fresh(inTenant({ platform_admin: 204, auditor: 403, admin: 204, member: 204, viewer: 403 }), async ({ t }) => ({ path: `/v1/tenants/${t.id}/shares/${(await newShare(t)).id}` })),
    ],
  },
  {
    service: 'sharing',
    method: 'GET',
    path: '/v1/tenants/{tenant_id}/shares/{share_id}/views',
    probes: [shared(inTenant({ platform_admin: 200, auditor: 403, admin: 200, member: 200, viewer: 403 }), ({ t }) => ({ path: `/v1/tenants/${t.id}/shares/${t.share.id}/views` }))],
  },
  {
    service: 'sharing',
    method: 'GET',
    path: '/v1/s/{token}',
    // A public route, but the link is a `tenant` one: only the tenant's members open it; platform admins and auditors,
    // who see every tenant but belong to none, get 404 like anyone else who is not a member (the contract's rule).
    probes: [shared(inTenant({ platform_admin: 404, auditor: 404, admin: 200, member: 200, viewer: 200 }), ({ t }) => ({ path: `/v1/s/${t.share.token}` }))],
  },

  // audit, always asked about the column's tenant: the trail is read by platform admins, auditors and tenant admins
  // (their tenant's); export is platform-wide only; verifying the chain reads every tenant.
  ...systemRows('audit'),
  {
    service: 'audit',
    method: 'GET',
    path: '/v1/events',
    probes: [shared(inTenant({ platform_admin: 200, auditor: 200, admin: 200, member: 403, viewer: 403 }), ({ t }) => ({ path: `/v1/events?tenant_id=${t.id}&limit=100` }))],
  },
  {
    service: 'audit',
    method: 'GET',
    path: '/v1/events/stream',
    // From the trail's start: the stream replays the tenant's events, which the leak check reads.
    probes: [shared(inTenant({ platform_admin: 200, auditor: 200, admin: 200, member: 403, viewer: 403 }), ({ t }) => ({ path: `/v1/events/stream?tenant_id=${t.id}&last_event_id=0` }))],
  },
  {
    service: 'audit',
    method: 'GET',
    path: '/v1/events/export',
    probes: [shared(inTenant({ platform_admin: 200, auditor: 200, admin: 403, member: 403, viewer: 403 }), ({ t }) => ({ path: `/v1/events/export?tenant_id=${t.id}` }))],
  },
  { service: 'audit', method: 'GET', path: '/v1/verify', probes: [shared(platformOnly(200, true), () => ({ path: '/v1/verify' }))] },

  // authz
  ...systemRows('authz'),
  {
    service: 'authz',
    method: 'GET',
    path: '/v1/forward-auth',
    notRouted: true,
    // The gateway's question about GET /tenancy/v1/tenants/<column's tenant>/members. It answers before any service
    // looks the tenant up, so an outsider gets 403 there (the service behind would say 404).
    probes: [
      shared(inTenant({ platform_admin: 200, auditor: 403, admin: 200, member: 403, viewer: 403 }, 403), ({ t }) => ({
        path: '/v1/forward-auth',
        headers: { 'x-original-method': 'GET', 'x-original-uri': `/tenancy/v1/tenants/${t.id}/members` },
      })),
    ],
  },
  // About oneself anywhere: the answer is the caller's own (allowed or not), which hides nothing of the tenant.
  { service: 'authz', method: 'POST', path: '/v1/check', probes: [shared(signedIn(200), ({ t }) => ({ path: '/v1/check', body: { tenant_id: t.id, object: 'members', action: 'read' } }))] },
  {
    service: 'authz',
    method: 'POST',
    path: '/v1/check/batch',
    // About someone else (the column's target user): `policy explain`, which only platform admins hold.
    probes: [shared(platformOnly(200), ({ t }) => ({ path: '/v1/check/batch', body: { checks: [{ subject: t.target.id, tenant_id: t.id, object: 'members', action: 'read' }] } }))],
  },
  {
    service: 'authz',
    method: 'GET',
    path: '/v1/subjects/{user_id}/permissions',
    probes: [shared(platformOnly(200), ({ t }) => ({ path: `/v1/subjects/${t.target.id}/permissions?tenant_id=${t.id}` }))],
  },
  { service: 'authz', method: 'GET', path: '/v1/tenants/{tenant_id}/subjects', probes: [shared(adminsOnly(200), tenantPath('/subjects?object=members&action=read'))] },
];

// ---------------------------------------------------------------------------------------------------------------------
// Fixtures

async function signIn(who: Person) {
  return tokensOf(await identity.auth.login(who.email, PASSWORD, { request_id: 'isolation-matrix' }));
}

async function newUser(label: string) {
  const email = uniqueEmail(label);
  return identity.users.create({ email, name: label, password: PASSWORD }, { actor: { user_id: null }, request_id: 'isolation-matrix' });
}

async function invite(tenantId: string) {
  const { invitation, token } = await tenancy.invitations.create(tenantId, { email: uniqueEmail('invited'), roles: ['member'] }, fixtureAudit);
  return { id: invitation.id, token };
}

async function newShare(t: TenantFixture): Promise<{ id: string; token: string }> {
  const res = await call('POST', `${url.sharing}/v1/tenants/${t.id}/shares`, t.sharer.token, { resource_type: 'document', resource_id: `doc-${runId}-${next()}`, visibility: 'tenant', name: 'matrix link' });
  if (res.status !== 201) throw new Error(`making a link in ${TENANT_LABEL[t.side]} answered ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, token: res.body.token };
}

const runtimes = (): ServiceRuntime[] => [identity, tenancy, sharing, audit, authz].map((s) => s.runtime);

/** Until the given processes' policies have every grant written so far (they arrive over NATS). */
async function settled(which: ServiceRuntime[] = runtimes()): Promise<void> {
  const [{ version }] = await tenancy.runtime.orm.em.fork().execute<{ version: string }[]>('select version::text as version from authz.policy_version where id = 1');
  await eventually(async () => (which.every((r) => r.policy.version >= Number(version)) ? true : undefined), 10_000, 10);
}

const NAME_MARK: Record<Side, string> = { own: 'Tenant-A', other: 'Tenant-B' };
const SLUG_MARK: Record<Side, string> = { own: 'ta', other: 'tb' };

/** A tenant of the side with its people: A's admin, member and viewer; B's admin. Each has a second admin, so an admin may leave. */
async function freshTenant(side: Side, label = 'fresh'): Promise<{ id: string; name: string }> {
  const n = next();
  const tenant = await tenancy.tenants.create({ name: `${NAME_MARK[side]} ${runId} ${label} ${n}`, slug: `${SLUG_MARK[side]}-${runId}-${n}` }, fixtureAudit);
  const roster: [Person, string][] =
    side === 'own'
      ? [[people.admin, 'admin'], [people.a_second_admin, 'admin'], [people.member, 'member'], [people.viewer, 'viewer']]
      : [[people.other_tenant_admin, 'admin'], [people.b_second_admin, 'admin']];
  for (const [who, role] of roster) await tenancy.members.add(tenant.id, { user_id: who.id, roles: [role] }, fixtureAudit);
  // The guards of tenancy's routes ask tenancy's own policy.
  await settled([tenancy.runtime]);
  return { id: tenant.id, name: tenant.name };
}

/** Tenant A or B as every route finds it: its people, a target member, a pending invitation and a `tenant` link. */
async function sharedTenant(side: Side): Promise<TenantFixture> {
  const tenant = await freshTenant(side, 'shared');
  const target = await person(identity, side === 'own' ? 'a-target' : 'b-target');
  await tenancy.members.add(tenant.id, { user_id: target.id, roles: ['member'] }, fixtureAudit);
  const { id: invitationId } = await invite(tenant.id);
  const fixture: TenantFixture = {
    side,
    ...tenant,
    admin: side === 'own' ? people.admin : people.other_tenant_admin,
    target,
    targetSessionId: decodeJwt(target.token).sid as string,
    sharer: side === 'own' ? people.member : target,
    invitationId,
    share: { id: '', token: '' },
  };
  await settled();
  fixture.share = await newShare(fixture);
  return fixture;
}

async function impersonateMember(): Promise<{ session_id: string; access_token: string }> {
  const started = await call('POST', `${url.identity}/v1/impersonation`, impersonatorOtp, { target_user_id: people.member.id, reason: 'isolation matrix' });
  if (started.status !== 201) throw new Error(`impersonation answered ${started.status} ${JSON.stringify(started.body)}`);
  return started.body;
}

function tokenOf(caller: Caller): string | undefined {
  if (caller === 'anonymous') return undefined;
  if (caller === 'impersonator') return impersonation.access_token;
  return people[caller].token;
}

/** A new session for a `session` probe: a password sign-in, or a new impersonation of the member. */
async function freshCredential(caller: Caller): Promise<{ token?: string; sessionId?: string }> {
  if (caller === 'anonymous') return {};
  if (caller === 'impersonator') {
    const started = await impersonateMember();
    return { token: started.access_token, sessionId: started.session_id };
  }
  const { access_token } = await signIn(people[caller]);
  return { token: access_token, sessionId: decodeJwt(access_token).sid as string };
}

/**
 * Text only the side's tenants hold: their names and slugs, their people's emails, and the ids of what the tenant owns
 * (the tenant, its invitation, its link). A person's user id is not the tenant's: another tenant's audit trail names
 * who acted on its resources (a refused attempt from outside, say) by user id, and rightly so.
 */
function markersOf(side: Side): string[] {
  const t = fixtures[side];
  const staff = side === 'own' ? [people.admin, people.a_second_admin, people.member, people.viewer] : [people.other_tenant_admin, people.b_second_admin];
  const ids = [t.id, t.invitationId, t.share.id].filter(Boolean);
  return [`${NAME_MARK[side]} ${runId}`, `${SLUG_MARK[side]}-${runId}-`, ...[...staff, t.target].map((p) => p.email), ...ids];
}

/** What must never reach the caller: the other tenant's data (platform admins and auditors may read every tenant). */
function foreignTo(caller: Caller): string[] {
  switch (standing(caller, 'own')) {
    case 'platform_admin':
    case 'auditor':
      return [];
    case 'anonymous':
      return [...markersOf('own'), ...markersOf('other')];
    case 'outsider':
      return markersOf('own');
    default:
      return markersOf('other');
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Running the table

interface Answer {
  status: number;
  text: string;
}

/** One request; an event stream is read for a moment (its replay included) and then left. */
async function send(service: Service, method: string, req: Req, token: string | undefined): Promise<Answer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 20_000);
  try {
    const response = await fetch(`${url[service]}${req.path}`, {
      method,
      signal: controller.signal,
      headers: { ...(req.body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...req.headers },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    });
    if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return { status: response.status, text: await response.text() };
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const until = Date.now() + 400;
    let text = '';
    while (Date.now() < until) {
      const chunk = await Promise.race([reader.read(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), Math.max(0, until - Date.now())))]);
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    await reader.cancel().catch(() => undefined);
    return { status: response.status, text };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

const templateOf = (path: string) => new RegExp(`^${path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('[^/]+')}$`);

interface Cell {
  row: Row;
  probe: Probe;
  caller: Caller;
  side: Side;
}

const figures = { cells: 0, differing: 0, refusedButAnswered: 0, bodiesWithForeignData: 0, gatewayAsked: 0, gatewayDisagreeing: 0 };

/**
 * The gateway's decision about the same call (authz's forward-auth, as nginx asks it): 200, 401, 403, or 404 (which
 * nginx gets as 403 with x-auth-status: 404, since auth_request passes only 401 and 403 on).
 */
async function gatewayDecision(service: Service, method: string, req: Req, token: string | undefined): Promise<number> {
  const response = await fetch(`${url.authz}/v1/forward-auth`, {
    headers: { 'x-original-method': method, 'x-original-uri': `/${service}${req.path}`, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  await response.arrayBuffer();
  return response.headers.get('x-auth-status') === '404' ? 404 : response.status;
}

/** What is wrong with the gateway's decision beside the service's answer, if anything. */
function gatewayProblem(row: Row, gateway: number, service: number): string | undefined {
  if (row.notRouted) return gateway === 401 || gateway === 403 ? undefined : `the gateway does not route it, yet forward-auth answered ${gateway}`;
  if (service < 300 && gateway !== 200) return `the service answered ${service} but the gateway would refuse it (${gateway})`;
  if (gateway !== 200 && gateway !== service) return `the gateway refuses with ${gateway} where the service answers ${service}`;
  return undefined;
}
const passed = new Set<string>();

function nameOf(cell: Cell, path?: string): string {
  const label = cell.probe.label ? ` [${cell.probe.label}]` : '';
  return `${cell.row.service} ${cell.row.method} ${cell.row.path}${label} ${cell.caller} ${TENANT_LABEL[cell.side]}${path ? ` (${path})` : ''}`;
}

/** Runs one cell; answers what is wrong with it, if anything. */
async function runCell(cell: Cell, credential?: { token?: string; sessionId?: string }): Promise<string[]> {
  const { row, probe, caller, side } = cell;
  const token = credential ? credential.token : tokenOf(caller);
  const req = await probe.request({ caller, side, t: fixtures[side], token, sessionId: credential?.sessionId });
  const expected = probe.expected(caller, side);
  const problems: string[] = [];
  if (!templateOf(row.path).test(req.path.split('?')[0])) problems.push(`${nameOf(cell)}: the probe calls ${req.path}, which is not this route`);
  // The gateway is asked first: the call itself may end the session its token belongs to.
  const gateway = req.headers?.['x-original-uri'] ? undefined : await gatewayDecision(row.service, row.method, req, token);
  const answer = await send(row.service, row.method, req, token);
  if (gateway !== undefined) {
    figures.gatewayAsked += 1;
    const disagreement = gatewayProblem(row, gateway, answer.status);
    if (disagreement) {
      figures.gatewayDisagreeing += 1;
      problems.push(`${nameOf(cell)}: ${disagreement}`);
    }
  }
  figures.cells += 1;
  if (answer.status !== expected) {
    figures.differing += 1;
    problems.push(`${nameOf(cell)}: expected ${expected} got ${answer.status} ${answer.text.slice(0, 160)}`);
  }
  if (expected >= 400 && answer.status < 300) figures.refusedButAnswered += 1;
  // The other tenant's text in the answer, unless the caller sent it themselves (a path, a header).
  const sent = `${req.path} ${JSON.stringify(req.body ?? '')} ${Object.values(req.headers ?? {}).join(' ')} ${(req.reveals ?? []).join(' ')}`;
  const foreign = foreignTo(caller).filter((marker) => answer.text.includes(marker) && !sent.includes(marker));
  if (foreign.length) {
    figures.bodiesWithForeignData += 1;
    problems.push(`${nameOf(cell)}: the answer (${answer.status}) carries the other tenant's ${foreign.join(', ')}`);
  }
  return problems;
}

/** At most `width` at a time (2 shared cores: modest). */
async function inPool(cells: Cell[], width: number, work: (cell: Cell) => Promise<string[]>): Promise<string[]> {
  const problems: string[] = [];
  let index = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (index < cells.length) {
        const cell = cells[index++];
        try {
          problems.push(...(await work(cell)));
        } catch (error) {
          problems.push(`${nameOf(cell)}: ${(error as Error).message}`);
        }
      }
    }),
  );
  return problems;
}

const cellsOf = (kinds: Kind[]): Cell[] =>
  TABLE.flatMap((row) => row.probes.filter((p) => kinds.includes(p.kind)).flatMap((probe) => CALLERS.flatMap((caller) => SIDES.map((side) => ({ row, probe, caller, side })))));

let operations = 0;

beforeAll(async () => {
  services = await startEveryService();
  ({ identity, tenancy, sharing, audit, authz } = services);
  url = { identity: identity.url, tenancy: tenancy.url, sharing: sharing.url, audit: audit.url, authz: authz.url };

  const made = await Promise.all([
    person(identity, 'platform-admin', ['platform_admin']),
    person(identity, 'auditor', ['auditor']),
    person(identity, 'impersonator', ['platform_admin']),
    person(identity, 'a-admin'),
    person(identity, 'a-member'),
    person(identity, 'a-viewer'),
    person(identity, 'b-admin'),
    person(identity, 'a-second-admin'),
    person(identity, 'b-second-admin'),
  ]);
  [people.platform_admin, people.auditor, people.impersonator, people.admin, people.member, people.viewer, people.other_tenant_admin, people.a_second_admin, people.b_second_admin] = made;
  fixtureAudit = { actor: { user_id: people.platform_admin.id }, request_id: 'isolation-matrix' };
  await settled();

  fixtures.own = await sharedTenant('own');
  fixtures.other = await sharedTenant('other');

  impersonatorOtp = await signInWithTotp(identity.url, people.impersonator);
  impersonation = await impersonateMember();
  await settled();
}, 120_000);

afterAll(async () => {
  // Only a suite whose every test passed records its figures.
  if (passed.size === 4) {
    writeSuiteReport({
      suite: SUITE,
      title: 'Tenant isolation matrix',
      part: 4,
      figures: [
        { name: 'Services', value: SERVICES.length },
        { name: 'Routes covered (operations of the five OpenAPI documents)', value: operations },
        { name: 'Of which infrastructure (health, readiness, metrics, the document, JWKS, discovery)', value: TABLE.filter((r) => r.system).length },
        { name: 'Callers (platform admin, auditor, tenant admin, member, viewer, other tenant\'s admin, anonymous, impersonator)', value: CALLERS.length },
        { name: 'Tenants (own and other)', value: SIDES.length },
        { name: 'Requests made (cells of the table, plus cross-tenant ids)', value: figures.cells },
        { name: 'Answers differing from the table', value: figures.differing, expected: '0', ok: figures.differing === 0 },
        { name: 'Calls also put to the gateway (forward-auth)', value: figures.gatewayAsked },
        { name: 'Gateway decisions disagreeing with the service (letting through what it refuses, refusing what it answers)', value: figures.gatewayDisagreeing, expected: '0', ok: figures.gatewayDisagreeing === 0 },
        {
          name: 'Leaks (2xx where the table refuses, or the other tenant\'s data in a body)',
          value: figures.refusedButAnswered + figures.bodiesWithForeignData,
          expected: '0',
          ok: figures.refusedButAnswered + figures.bodiesWithForeignData === 0,
        },
      ],
      notes:
        'Each operation in each service\'s live /openapi.json must have a row (a new route without one fails the suite). ' +
        'Outsiders get 404 for everything in a tenant, like a missing tenant; forward-auth, deciding at the gateway ' +
        'without looking the tenant up, answers 403. The impersonator (a platform admin with a TOTP sign-in) acts ' +
        'with the impersonated member\'s rights only. A body leaks when it holds the other tenant\'s name, slug, ' +
        'people\'s emails or the ids of what it owns (tenant, invitation, link) that the caller did not send. Every call ' +
        'is first put to forward-auth as nginx would: it must pass what the service answers and refuse only as the service does. Cross-tenant ids under the caller\'s own tenant path (another ' +
        'tenant\'s member, invitation or link) answer 404 and change nothing. Found by this suite and fixed: auditors and ' +
        'platform admins (tenant read everywhere) could open any tenant\'s `tenant` links; only members can now.',
    });
  }
  await services?.close();
});

describe('the tenant isolation matrix', () => {
  it('has a row for every operation each service documents, and none for routes that are gone', async () => {
    const documented = new Set<string>();
    for (const service of SERVICES) {
      const { status, body } = await call('GET', `${url[service]}/openapi.json`);
      expect(status).toBe(200);
      for (const [path, methods] of Object.entries(body.paths as Record<string, Record<string, unknown>>)) {
        for (const method of Object.keys(methods)) documented.add(`${service} ${method.toUpperCase()} ${path}`);
      }
    }
    // Every route is documented now, the infrastructure ones (health, metrics, JWKS, discovery) included.
    const rows = TABLE.map((r) => `${r.service} ${r.method} ${r.path}`);
    expect(new Set(rows).size, 'one row per operation').toBe(rows.length);
    expect([...documented].filter((op) => !rows.includes(op)), 'operations without an isolation row').toEqual([]);
    expect(rows.filter((op) => !documented.has(op)), 'rows for operations no service documents').toEqual([]);
    operations = documented.size;
    passed.add('coverage');
  });

  it('answers every caller about its own tenant and about the other as the table says, and no body carries the other tenant\'s data', async () => {
    const problems = await inPool(cellsOf(['shared', 'fresh']), 6, (cell) => runCell(cell));
    expect(problems).toEqual([]);
    passed.add('matrix');
  }, 180_000);

  it('answers 404 to another tenant\'s member, invitation or link named under the caller\'s own tenant, and changes none of them', async () => {
    const [a, b] = [fixtures.own, fixtures.other];
    const crossings = (home: TenantFixture, away: TenantFixture): [Service, string, string][] => [
      ['tenancy', 'PUT', `/v1/tenants/${home.id}/members/${away.target.id}/roles`],
      ['tenancy', 'DELETE', `/v1/tenants/${home.id}/members/${away.target.id}`],
      ['tenancy', 'POST', `/v1/tenants/${home.id}/invitations/${away.invitationId}/resend`],
      ['tenancy', 'DELETE', `/v1/tenants/${home.id}/invitations/${away.invitationId}`],
      ['sharing', 'GET', `/v1/tenants/${home.id}/shares/${away.share.id}`],
      ['sharing', 'GET', `/v1/tenants/${home.id}/shares/${away.share.id}/views`],
      ['sharing', 'DELETE', `/v1/tenants/${home.id}/shares/${away.share.id}`],
    ];
    const problems: string[] = [];
    for (const [who, home, away] of [
      ['admin', a, b],
      ['platform_admin', a, b],
      ['other_tenant_admin', b, a],
    ] as const) {
      for (const [service, method, path] of crossings(home, away)) {
        const answer = await send(service, method, { path, ...(path.endsWith('/roles') ? { body: { roles: ['admin'] } } : {}) }, tokenOf(who));
        figures.cells += 1;
        if (answer.status !== 404) {
          figures.differing += 1;
          if (answer.status < 300) figures.refusedButAnswered += 1;
          problems.push(`${service} ${method} ${path} ${who}: expected 404 got ${answer.status} ${answer.text.slice(0, 160)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // Nothing moved: both targets are plain members still, both invitations pending, both links live.
    for (const t of [a, b]) {
      const member = await call('GET', `${url.tenancy}/v1/tenants/${t.id}/members?page_size=100`, t.admin.token);
      expect(member.body.items.find((m: { user_id: string }) => m.user_id === t.target.id)?.roles).toEqual(['member']);
      const invitations = await call('GET', `${url.tenancy}/v1/tenants/${t.id}/invitations`, t.admin.token);
      expect(invitations.body.items.map((i: { id: string }) => i.id)).toContain(t.invitationId);
      expect((await call('GET', `${url.sharing}/v1/tenants/${t.id}/shares/${t.share.id}`, t.admin.token)).body.status).toBe('active');
    }
    passed.add('crossing');
  }, 60_000);

  it('answers the routes that end sessions as the table says, each call on a fresh sign-in, one at a time', async () => {
    // Last: these end the caller's session or sessions (a password change and "end my other sessions" end the
    // shared tokens too), and a new impersonation replaces the open one.
    const problems: string[] = [];
    for (const cell of cellsOf(['session'])) {
      try {
        problems.push(...(await runCell(cell, await freshCredential(cell.caller))));
      } catch (error) {
        problems.push(`${nameOf(cell)}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
    passed.add('sessions');
  }, 120_000);
});
