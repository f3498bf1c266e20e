import { createHmac, createPublicKey, generateKeyPairSync, KeyObject, randomUUID, sign, type JsonWebKey } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, type CryptoKey, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  eventually,
  grantTokenEnv,
  startAuthz,
  startEveryService,
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

// Issue 10, part 3: forged, tampered and spent tokens, each refused with 401 problem+json by every service and by
// authz's forward-auth (the gateway's sub-request). Every token starts from a real one the services issued.
const SUITE = 'forged-tokens-are-refused-by-every-service-and-the-gateway';
const PASSWORD = 'correct horse battery staple 42';

let services: EveryService;
let identity: RunningIdentity;
let tenancy: RunningTenancy;
let sharing: RunningSharing;
let audit: RunningAudit;
let authz: RunningAuthz;
/** authz as configured behind Traefik (GATEWAY=traefik: it reads x-forwarded-method/-uri). */
let authzBehindTraefik: RunningAuthz;
let root: Person;
let owner: Person; // admin of the tenant: the genuine token every forgery starts from
let victim: Person; // admin of the tenant, impersonated by root
let leaver: Person; // admin of the tenant, disabled by root
let ownerRefreshToken: string;
let impersonation: { session_id: string; access_token: string };
let rootWithOtp: string;
let tenantId: string;
let share: { id: string; resource_id: string; grant_token: string };

interface Answer {
  status: number;
  body: { status?: number } | undefined;
  headers: Headers;
}

interface Route {
  name: string;
  service: 'identity' | 'tenancy' | 'sharing' | 'audit' | 'authz' | 'forward-auth';
  send: (token: string) => Promise<Answer>;
}

interface TokenKind {
  name: string;
  /** One or more tokens of the kind (e.g. the same HS256 forgery keyed three ways). */
  tokens: string[];
  /** authz (and its forward-auth) take a share link's grant token as the bearer by design: see the last test. */
  acceptedByAuthz?: boolean;
}

/** Where forward-auth is asked, as nginx (auth_request: GET, x-original-*) and Traefik (x-forwarded-*) ask it. */
function forwardAuth(style: 'nginx' | 'traefik', method: string, uri: string): Route['send'] {
  const headers: Record<string, string> =
    style === 'nginx'
      ? { 'x-original-method': method, 'x-original-uri': uri, 'x-forwarded-for': '203.0.113.7' }
      : { 'x-forwarded-method': method, 'x-forwarded-uri': uri, 'x-forwarded-host': 'gateway.portcullis.test', 'x-forwarded-proto': 'https' };
  return (token) => call('GET', `${(style === 'nginx' ? authz : authzBehindTraefik).url}/v1/forward-auth`, token, undefined, headers);
}

/** At least one authenticated route of each service, and forward-auth for routes of each kind in the route table. */
function routes(): Route[] {
  return [
    { name: 'identity GET /v1/me', service: 'identity', send: (t) => call('GET', `${identity.url}/v1/me`, t) },
    { name: 'identity GET /v1/me/sessions', service: 'identity', send: (t) => call('GET', `${identity.url}/v1/me/sessions`, t) },
    { name: 'tenancy GET /v1/me/tenants', service: 'tenancy', send: (t) => call('GET', `${tenancy.url}/v1/me/tenants`, t) },
    { name: 'tenancy GET /v1/tenants/{id}', service: 'tenancy', send: (t) => call('GET', `${tenancy.url}/v1/tenants/${tenantId}`, t) },
    { name: 'sharing GET /v1/tenants/{id}/shares', service: 'sharing', send: (t) => call('GET', `${sharing.url}/v1/tenants/${tenantId}/shares`, t) },
    { name: 'sharing GET /v1/tenants/{id}/shares/{id}', service: 'sharing', send: (t) => call('GET', `${sharing.url}/v1/tenants/${tenantId}/shares/${share.id}`, t) },
    { name: 'audit GET /v1/events', service: 'audit', send: (t) => call('GET', `${audit.url}/v1/events?limit=1`, t) },
    { name: 'authz POST /v1/check', service: 'authz', send: (t) => call('POST', `${authz.url}/v1/check`, t, { tenant_id: tenantId, object: 'audit', action: 'read' }) },
    {
      name: 'authz POST /v1/check/batch',
      service: 'authz',
      send: (t) => call('POST', `${authz.url}/v1/check/batch`, t, { checks: [{ tenant_id: tenantId, object: 'shares', action: 'read' }] }),
    },
    { name: 'forward-auth (nginx) GET /tenancy/v1/me/tenants', service: 'forward-auth', send: forwardAuth('nginx', 'GET', '/tenancy/v1/me/tenants') },
    { name: 'forward-auth (nginx) GET /identity/v1/me', service: 'forward-auth', send: forwardAuth('nginx', 'GET', '/identity/v1/me') },
    { name: 'forward-auth (nginx) GET /sharing/v1/tenants/{id}/shares', service: 'forward-auth', send: forwardAuth('nginx', 'GET', `/sharing/v1/tenants/${tenantId}/shares`) },
    { name: 'forward-auth (nginx) POST /authz/v1/check', service: 'forward-auth', send: forwardAuth('nginx', 'POST', '/authz/v1/check') },
    { name: 'forward-auth (Traefik) GET /audit/v1/events', service: 'forward-auth', send: forwardAuth('traefik', 'GET', '/audit/v1/events?limit=1') },
  ];
}

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS of any header and payload, signed (or not) by `signer`: jose will not sign `alg: none`, and here every byte is ours. */
function compact(header: object, payload: object, signer: (input: string) => string = () => ''): string {
  const input = `${part(header)}.${part(payload)}`;
  return `${input}.${signer(input)}`;
}

const ed25519 = (key: KeyObject) => (input: string) => sign(null, Buffer.from(input), key).toString('base64url');
const hs256 = (secret: Buffer | string) => (input: string) => createHmac('sha256', secret).update(input).digest('base64url');

/** The key a service signs with right now: lets a test make a token that is wrong in one claim only, yet well signed. */
async function signingKeyOf(service: RunningIdentity | RunningSharing): Promise<{ kid: string; key: KeyObject }> {
  const { kid, key } = await service.signingKeys.currentKey();
  if (key instanceof Uint8Array) throw new Error('expected an asymmetric signing key');
  return { kid, key: KeyObject.from(key as CryptoKey) };
}

/** Waits until every process that checks revocation has heard that the session ended (identity reads its own table). */
async function revokedEverywhere(sessionId: string): Promise<void> {
  await eventually(async () => ([tenancy, sharing, audit, authz, authzBehindTraefik].every((s) => s.runtime.revokedSessions.isRevoked(sessionId)) ? true : undefined), 3000, 10);
}

async function addAdmin(who: Person): Promise<void> {
  const res = await call('POST', `${tenancy.url}/v1/tenants/${tenantId}/members`, root.token, { user_id: who.id, roles: ['admin'] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const isProblem401 = (answer: Answer) =>
  answer.status === 401 && (answer.headers.get('content-type') ?? '').startsWith('application/problem+json') && answer.body?.status === 401;

// What the suite counted, written to .reliability/ once every test has passed.
const figures = { kinds: 0, tokens: 0, refusalsTried: 0, accepted: 0, otherThan401: 0, genuineTried: 0, serviceRoutes: 0, gatewayRoutes: 0, services: 0 };
const passed = new Set<string>();

beforeAll(async () => {
  services = await startEveryService();
  ({ identity, tenancy, sharing, audit, authz } = services);
  authzBehindTraefik = await startAuthz(identity, { GATEWAY: 'traefik', ...grantTokenEnv(sharing) });
  root = await person(identity, 'forge-root', ['platform_admin']);
  [owner, victim, leaver] = await Promise.all([person(identity, 'forge-owner'), person(identity, 'forge-victim'), person(identity, 'forge-leaver')]);
  ownerRefreshToken = tokensOf(await identity.auth.login(owner.email, PASSWORD, { request_id: 'test' })).refresh_token;

  await eventually(async () => ([identity, tenancy].every((s) => s.runtime.policy.enforce(root.id, 'platform', 'tenant', 'create')) ? true : undefined));
  const slug = `forge-${process.pid}-${Date.now().toString(36)}`;
  const created = await call('POST', `${tenancy.url}/v1/tenants`, root.token, { name: `Forged ${slug}`, slug, settings: { allow_public_shares: true } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  tenantId = created.body.id;
  for (const who of [owner, victim, leaver]) await addAdmin(who);
  const runtimes = [identity, tenancy, sharing, audit, authz].map((s) => s.runtime);
  await eventually(async () =>
    [owner, victim, leaver].every((who) => runtimes.every((r) => r.policy.enforce(who.id, `tenant:${tenantId}`, 'shares', 'read'))) ? true : undefined,
  );

  // A public link of the owner's, opened once: its grant token is a genuine token of another kind (typ share+jwt).
  const link = await call('POST', `${sharing.url}/v1/tenants/${tenantId}/shares`, owner.token, { resource_type: 'document', resource_id: `doc-${slug}`, visibility: 'public' });
  expect(link.status, JSON.stringify(link.body)).toBe(201);
  await eventually(async () => (authz.runtime.policy.enforce(`share:${link.body.id}`, `tenant:${tenantId}`, `document:doc-${slug}`, 'read') ? true : undefined));
  const opened = await call('GET', `${sharing.url}/v1/s/${link.body.token}`);
  expect(opened.status, JSON.stringify(opened.body)).toBe(200);
  share = { id: link.body.id, resource_id: `doc-${slug}`, grant_token: opened.body.grant_token };

  // Impersonation needs a recent second factor.
  rootWithOtp = await signInWithTotp(identity.url, root);
  const started = await call('POST', `${identity.url}/v1/impersonation`, rootWithOtp, { target_user_id: victim.id, reason: 'forged-token suite' });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  impersonation = started.body;
}, 60_000);

afterAll(async () => {
  // Only a suite whose every test passed records its figures.
  if (passed.size === 3) {
    writeSuiteReport({
      suite: SUITE,
      title: 'Forged tokens',
      part: 3,
      figures: [
        { name: 'Token kinds forged, tampered or spent', value: figures.kinds },
        { name: 'Tokens tried (some kinds are made several ways)', value: figures.tokens },
        { name: 'Services tried (identity, tenancy, sharing, audit, authz)', value: figures.services },
        { name: 'Service routes tried', value: figures.serviceRoutes },
        { name: 'Gateway calls tried at forward-auth (nginx and Traefik headers)', value: figures.gatewayRoutes },
        { name: 'Requests with a genuine token (each answered 200 first)', value: figures.genuineTried },
        { name: 'Requests with a refused token', value: figures.refusalsTried },
        { name: 'Refused tokens accepted (2xx)', value: figures.accepted, expected: '0', ok: figures.accepted === 0 },
        { name: 'Refused tokens answered other than 401 problem+json', value: figures.otherThan401, expected: '0', ok: figures.otherThan401 === 0 },
      ],
      notes:
        'Forgeries start from a real access token: alg none, HS256 keyed with identity\'s public key (raw, JWK and PEM), an ' +
        'unknown kid, identity\'s kid or an embedded jwk over a key of the test\'s own, a changed sub, a stripped signature, and ' +
        'tokens well signed by identity\'s own key but expired, not yet valid, of another issuer or audience, or without ' +
        'typ at+jwt; tokens crossing between identity and sharing keys; a share link\'s grant token, an ended ' +
        'impersonation, a refresh token and a disabled user\'s token. By design authz (/v1/check and forward-auth) takes ' +
        'a share link\'s grant token as the bearer, the caller being share:<id>; every other service refuses it, and ' +
        'forward-auth passes it only on the routes policies/routes.yaml lists under grant_tokens (authz\'s check routes): ' +
        'found by this suite, it used to pass it on every `authenticated` route too (the service behind refused it).',
    });
  }
  await authzBehindTraefik?.close();
  await services?.close();
});

describe('forged and spent tokens', () => {
  it('answers every route with the genuine tokens first, so a refusal below is the token\'s doing', async () => {
    const all = routes();
    const failures: string[] = [];
    for (const [who, token] of [['owner', owner.token], ['impersonation', impersonation.access_token], ['leaver', leaver.token]] as const) {
      for (const route of all) {
        const answer = await route.send(token);
        figures.genuineTried += 1;
        if (answer.status !== 200) failures.push(`${who} on ${route.name}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }
    expect(failures).toEqual([]);
    passed.add('genuine');
  });

  it('refuses each forged, tampered or spent token with 401 problem+json in every service and at forward-auth', async () => {
    // Spend two genuine tokens: end the impersonation (with the impersonator's own token) and disable a user.
    expect((await call('POST', `${identity.url}/v1/impersonation/end`, rootWithOtp)).status).toBe(200);
    expect((await call('PATCH', `${identity.url}/v1/users/${leaver.id}`, root.token, { status: 'disabled' })).status).toBe(200);
    await revokedEverywhere(impersonation.session_id);
    await revokedEverywhere(decodeJwt(leaver.token).sid as string);

    const header = decodeProtectedHeader(owner.token) as ProtectedHeaderParameters & { kid: string };
    const claims = decodeJwt(owner.token) as JWTPayload & { sid: string };
    const [, genuinePayload, genuineSignature] = owner.token.split('.');
    const now = Math.floor(Date.now() / 1000);
    const identityKey = await signingKeyOf(identity);
    const sharingKey = await signingKeyOf(sharing);
    const byIdentity = (changes: object, headerChanges: object = {}) => compact({ ...header, ...headerChanges }, { ...claims, ...changes }, ed25519(identityKey.key));
    const grantHeader = decodeProtectedHeader(share.grant_token);
    const grantClaims = decodeJwt(share.grant_token);
    const [, , grantSignature] = share.grant_token.split('.');
    // The test's signer remakes both services' genuine tokens byte for byte (Ed25519 is deterministic): each token
    // below differs from a genuine one only in what its name says.
    expect(byIdentity({})).toBe(owner.token);
    expect(compact(grantHeader, grantClaims, ed25519(sharingKey.key))).toBe(share.grant_token);

    // The public key as identity publishes it, used as an HMAC secret the three ways a confused verifier might.
    const jwks = (await call('GET', `${identity.url}/.well-known/jwks.json`)).body as { keys: (JsonWebKey & { kid: string })[] };
    const published = jwks.keys.find((k) => k.kid === header.kid)!;
    const publicPem = createPublicKey({ key: published, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const hmacSecrets = [Buffer.from(published.x!, 'base64url'), JSON.stringify(published), publicPem];

    // A key pair of the test's own, which no service knows.
    const stranger = generateKeyPairSync('ed25519');
    const strangerJwk = stranger.publicKey.export({ format: 'jwk' });

    const kinds: TokenKind[] = [
      { name: 'alg: none', tokens: [compact({ ...header, alg: 'none' }, claims), compact({ alg: 'none', typ: 'at+jwt' }, claims)] },
      { name: "HS256 keyed with identity's public key", tokens: hmacSecrets.map((secret) => compact({ ...header, alg: 'HS256' }, claims, hs256(secret))) },
      { name: 'unknown kid, signed by a key no service knows', tokens: [compact({ ...header, kid: randomUUID() }, claims, ed25519(stranger.privateKey))] },
      { name: "identity's kid, signed by a key no service knows", tokens: [compact(header, claims, ed25519(stranger.privateKey))] },
      { name: 'a key of its own embedded in the header (jwk)', tokens: [compact({ alg: 'EdDSA', typ: 'at+jwt', jwk: strangerJwk }, claims, ed25519(stranger.privateKey))] },
      // A platform admin's id under the owner's signature: the escalation a tampered sub would buy.
      { name: 'tampered payload (sub changed, signature kept)', tokens: [`${part(header)}.${part({ ...claims, sub: root.id })}.${genuineSignature}`] },
      { name: 'stripped signature (header.payload.)', tokens: [`${part(header)}.${genuinePayload}.`] },
      { name: 'expired', tokens: [byIdentity({ iat: now - 1200, exp: now - 600 })] },
      { name: 'nbf in the future', tokens: [byIdentity({ nbf: now + 3600 })] },
      { name: 'wrong iss', tokens: [byIdentity({ iss: 'https://identity.attacker.test' })] },
      { name: 'wrong aud', tokens: [byIdentity({ aud: 'someone-else' }), byIdentity({ aud: ['someone-else', 'another'] })] },
      { name: 'not typed as an access token (typ JWT, or none)', tokens: [byIdentity({}, { typ: 'JWT' }), compact({ alg: 'EdDSA', kid: header.kid }, claims, ed25519(identityKey.key))] },
      // Sharing signs too; neither service's key may pass for the other's token.
      { name: "an access token signed with sharing's key", tokens: [compact({ ...header, kid: sharingKey.kid }, claims, ed25519(sharingKey.key))] },
      {
        name: "a grant token (typ share+jwt) signed with identity's key",
        tokens: [compact({ ...grantHeader, kid: identityKey.kid }, grantClaims, ed25519(identityKey.key))],
      },
      {
        name: 'a tampered grant token (another link as sub, signature kept)',
        tokens: [`${part(grantHeader)}.${part({ ...grantClaims, sub: `share:${randomUUID()}` })}.${grantSignature}`],
      },
      { name: 'a grant token with alg: none', tokens: [compact({ ...grantHeader, alg: 'none' }, grantClaims)] },
      { name: "a share link's grant token used as an access token", tokens: [share.grant_token], acceptedByAuthz: true },
      { name: 'an ended impersonation token', tokens: [impersonation.access_token] },
      { name: 'a refresh token used as an access token', tokens: [ownerRefreshToken] },
      { name: "a disabled user's token", tokens: [leaver.token] },
    ];

    const all = routes();
    const failures: string[] = [];
    for (const kind of kinds) {
      const where = kind.acceptedByAuthz ? all.filter((r) => r.service !== 'authz' && r.service !== 'forward-auth') : all;
      for (const [i, token] of kind.tokens.entries()) {
        for (const route of where) {
          const answer = await route.send(token);
          figures.refusalsTried += 1;
          if (answer.status >= 200 && answer.status < 300) figures.accepted += 1;
          if (!isProblem401(answer)) {
            figures.otherThan401 += 1;
            failures.push(`${kind.name} #${i + 1} on ${route.name}: ${answer.status} ${answer.headers.get('content-type')} ${JSON.stringify(answer.body)?.slice(0, 200)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(figures.accepted).toBe(0);

    // Nothing above (unknown kids, say) spoiled the services' key sets: the genuine token still works everywhere.
    for (const route of all) {
      figures.genuineTried += 1;
      expect((await route.send(owner.token)).status, route.name).toBe(200);
    }
    figures.kinds = kinds.length;
    figures.tokens = kinds.reduce((n, k) => n + k.tokens.length, 0);
    figures.serviceRoutes = all.filter((r) => r.service !== 'forward-auth').length;
    figures.gatewayRoutes = all.length - figures.serviceRoutes;
    figures.services = new Set(all.map((r) => (r.service === 'forward-auth' ? 'authz' : r.service))).size;
    passed.add('forged');
  });

  it('lets only authz take a share link\'s grant token as the bearer, answering for the link and nothing more', async () => {
    // By design (README, authz): /v1/check answers for share:<id>, and forward-auth passes it on the routes the route
    // table lists under `grant_tokens` (the gateway's /authz/v1/check and /check/batch) — and nowhere else: on every
    // other route the gateway refuses it (401) before the service behind, which would refuse it too, is reached.
    const own = await call('POST', `${authz.url}/v1/check`, share.grant_token, { tenant_id: tenantId, object: `document:${share.resource_id}`, action: 'read' });
    expect(own).toMatchObject({ status: 200, body: { allowed: true } });
    const more = await call('POST', `${authz.url}/v1/check`, share.grant_token, { tenant_id: tenantId, object: 'audit', action: 'read' });
    expect(more).toMatchObject({ status: 200, body: { allowed: false } });
    const gate = await forwardAuth('nginx', 'POST', '/authz/v1/check')(share.grant_token);
    expect(gate.status).toBe(200);
    expect(gate.headers.get('x-auth-user-id')).toBe(`share:${share.id}`);
    expect((await forwardAuth('nginx', 'POST', '/authz/v1/check/batch')(share.grant_token)).status).toBe(200);
    // Any other route, whether it only needs a signed-in caller or asks the policy: refused at the door.
    for (const [method, uri] of [['GET', '/identity/v1/me'], ['GET', '/tenancy/v1/me/tenants'], ['GET', '/audit/v1/events'], ['GET', '/authz/v1/subjects/x/permissions'], ['GET', `/sharing/v1/tenants/${tenantId}/shares`]]) {
      const refused = await forwardAuth('nginx', method, uri)(share.grant_token);
      expect(refused.status, `${method} ${uri}`).toBe(401);
    }
    passed.add('grant');
  });
});
