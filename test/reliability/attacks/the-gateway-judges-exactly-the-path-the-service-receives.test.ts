import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNginx, startGateway, type NginxHandle } from '../../../deploy/dev/nginx.js';
import { freePort } from '../../../deploy/dev/nats-server.js';
import type { GatewayService } from '../../../deploy/nginx/gateway-config.js';
import { call, eventually, startEveryService, type EveryService } from '../../support/harness.js';
import { person, type Person } from '../../support/people.js';
import { AttackTally, recordAttack } from './support.js';

// Finding 3 (high): forward-auth judged the raw $request_uri while nginx routed the normalised path, so
// /sharing/v1/s/..%2F..%2F..%2Fidentity%2Fmetrics reached identity without a token. Now the gateway refuses every
// path that would read differently after normalising, before routing (400 problem+json), so what forward-auth judges is
// what the service receives. Requests are written byte for byte on a socket: no client library tidies them up first.
const SUITE = 'the-gateway-judges-exactly-the-path-the-service-receives';

let services: EveryService;
let gateway: NginxHandle;
let echoGateway: NginxHandle;
let echo: Server;
const seenByEcho: string[] = [];
let root: Person;
let stranger: Person;
let tenantId: string;
const tally = new AttackTally();
let passed = 0;

interface Raw {
  status: number;
  headers: string;
  body: string;
}

/** Sends one HTTP/1.1 request exactly as written (`target` may hold any bytes) and reads the whole answer. */
function raw(url: string, method: string, target: string | Buffer, headers: Record<string, string> = {}): Promise<Raw> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('timed out')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: rest.join('\r\n\r\n') });
    });
    socket.connect(Number(port), hostname, () => {
      const lines = [`${method} `, target, ` HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`), '\r\n'];
      socket.write(Buffer.concat(lines.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : part))));
    });
  });
}

beforeAll(async () => {
  services = await startEveryService();
  const nginx = ensureNginx(() => undefined);
  const hostOf = (url: string) => new URL(url).host;
  const upstreams: Record<GatewayService, string[]> = {
    identity: [hostOf(services.identity.url)],
    tenancy: [hostOf(services.tenancy.url)],
    sharing: [hostOf(services.sharing.url)],
    audit: [hostOf(services.audit.url)],
    authz: [hostOf(services.authz.url)],
  };
  gateway = await startGateway({ binary: nginx, dir: mkdtempSync(join(tmpdir(), 'gw-paths-')), listen: `127.0.0.1:${await freePort()}`, upstreams, workerProcesses: 1 });
  // A second gateway whose every service is an echo: what reaches an upstream, exactly.
  echo = createServer((req, res) => {
    seenByEcho.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, method: req.method }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const echoHost = `127.0.0.1:${(echo.address() as { port: number }).port}`;
  echoGateway = await startGateway({
    binary: nginx,
    dir: mkdtempSync(join(tmpdir(), 'gw-paths-echo-')),
    listen: `127.0.0.1:${await freePort()}`,
    upstreams: { identity: [echoHost], tenancy: [echoHost], sharing: [echoHost], audit: [echoHost], authz: upstreams.authz },
    workerProcesses: 1,
  });
  root = await person(services.identity, 'paths-root', ['platform_admin']);
  stranger = await person(services.identity, 'paths-stranger');
  await eventually(async () => (services.authz.runtime.policy.enforce(root.id, 'platform', 'tenant', 'create') ? true : undefined));
  const slug = `paths-${Date.now().toString(36)}`;
  tenantId = (await call('POST', `${services.tenancy.url}/v1/tenants`, root.token, { name: `Paths ${slug}`, slug })).body.id;
  await eventually(async () => (services.authz.runtime.policy.enforce(root.id, `tenant:${tenantId}`, 'tenant', 'read') ? true : undefined));
}, 90_000);

afterAll(async () => {
  if (passed === DOOR_CASES.length + 3) {
    recordAttack({
      suite: SUITE,
      title: 'Attack: a path the gateway judges one way and routes another',
      finding: 3,
      tried: tally.tried,
      gotIn: tally.gotIn,
      notes:
        'Encoded slashes and dots, literal dot segments, empty segments, backslashes, matrix parameters, overlong UTF-8 and ' +
        'raw bytes, case, trailing dots and method tricks, through real nginx in front of the real services (and an echo, ' +
        'to see what reaches an upstream); also another tenant (404), and probes and metrics (not served).',
    });
  }
  await gateway?.stop();
  await echoGateway?.stop();
  echo?.close();
  await services?.close();
}, 60_000);

const DOOR_CASES: [string, string][] = [
  ['encoded slashes out of a public route to identity metrics', '/sharing/v1/s/..%2F..%2F..%2Fidentity%2Fmetrics'],
  ['encoded slashes out of a public route to the user list', '/sharing/v1/s/..%2F..%2F..%2Fidentity%2Fv1%2Fusers'],
  ['encoded slashes out of a public route to audit readiness', '/sharing/v1/s/..%2F..%2F..%2Faudit%2Freadyz'],
  ['lower-case encoded slashes', '/sharing/v1/s/..%2f..%2f..%2fidentity%2fmetrics'],
  ['encoded dots', '/sharing/v1/s/%2e%2e/%2e%2e/%2e%2e/identity/metrics'],
  ['encoded dots and slashes', '/sharing/v1/s/%2e%2e%2f%2e%2e%2fidentity%2fv1%2fusers'],
  ['literal dot segments', '/sharing/v1/s/../../../identity/v1/users'],
  ['a single-dot segment', '/identity/./v1/users'],
  ['an empty segment', '/identity//v1/users'],
  ['a leading double slash', '//identity/v1/users'],
  ['a backslash', '/identity/v1\\users'],
  ['an encoded backslash', '/sharing/v1/s/..%5c..%5cidentity%5cmetrics'],
  ['matrix parameters', '/identity/v1/users;jsessionid=1'],
  ['a semicolon hiding a segment', '/sharing/v1/s/x;/../../identity/metrics'],
  ['overlong UTF-8 dots', '/sharing/v1/s/%c0%ae%c0%ae/%c0%ae%c0%ae/identity/metrics'],
  ['overlong UTF-8 slash', '/sharing/v1/s/..%c0%af..%c0%afidentity%c0%afmetrics'],
  ['double encoding', '/sharing/v1/s/..%252F..%252Fidentity%252Fmetrics'],
  ['an encoded letter', '/identity/v1/%75sers'],
  ['an encoded NUL', '/identity/v1/users%00'],
  ['a trailing dot', '/identity/v1/users.'],
  ['a trailing dot segment', '/identity/v1/users/.'],
  ['a segment of two dots at the end', '/identity/v1/users/..'],
];

const problem = (answer: Raw) => /content-type: application\/problem\+json/i.test(answer.headers);

describe('the gateway', () => {
  it.each(DOOR_CASES)('refuses %s at the door with 400 problem+json', async (_name, target) => {
    const answer = await raw(gateway.url, 'GET', target);
    const refused = answer.status === 400 && problem(answer);
    expect(tally.attempt(refused), `${target} → ${answer.status} ${answer.body.slice(0, 160)}`).toBe(true);
    // And with a token: the same answer, for everyone.
    const withToken = await raw(gateway.url, 'PATCH', target.replace('/sharing/v1/s/', '/identity/v1/me/'), { authorization: `Bearer ${stranger.token}` });
    expect(tally.attempt(withToken.status === 400), `${target} with a token → ${withToken.status}`).toBe(true);
    passed++;
  });

  it('refuses raw bytes, other methods and lower-case methods, and passes nothing another way than it judged', async () => {
    const rawBytes = await raw(gateway.url, 'GET', Buffer.from('/identity/v1/us\xc3\xa9rs', 'latin1'));
    expect(tally.attempt(rawBytes.status === 400)).toBe(true);
    for (const method of ['TRACE', 'CONNECT', 'PROPFIND', 'FOO']) {
      const answer = await raw(gateway.url, method, '/identity/v1/users', { authorization: `Bearer ${root.token}` });
      expect(tally.attempt(answer.status === 405 || answer.status === 400), `${method} → ${answer.status}`).toBe(true);
    }
    const lower = await raw(gateway.url, 'get', '/identity/v1/users', { authorization: `Bearer ${root.token}` });
    expect(tally.attempt(lower.status === 400), `get → ${lower.status}`).toBe(true);
    // Case: the gateway's routes and the route table are case-sensitive, so a case trick reaches no service as a
    // different route than judged; without a token it is refused, with one it is not in the route table.
    expect(tally.attempt((await raw(gateway.url, 'GET', '/identity/V1/USERS')).status === 401)).toBe(true);
    expect(tally.attempt((await raw(gateway.url, 'GET', '/identity/V1/USERS', { authorization: `Bearer ${stranger.token}` })).status === 403)).toBe(true);
    expect(tally.attempt((await raw(gateway.url, 'GET', '/IDENTITY/v1/users', { authorization: `Bearer ${stranger.token}` })).status === 404)).toBe(true);
    expect(tally.attempt((await raw(gateway.url, 'GET', '/identity./v1/users', { authorization: `Bearer ${stranger.token}` })).status === 400)).toBe(true);
    // A method override header changes nothing: the service answers the method it was sent.
    const override = await raw(gateway.url, 'GET', `/tenancy/v1/tenants/${tenantId}`, { authorization: `Bearer ${root.token}`, 'x-http-method-override': 'DELETE' });
    expect(override.status).toBe(200);
    expect(tally.attempt((await call('GET', `${services.tenancy.url}/v1/tenants/${tenantId}`, root.token)).body.status === 'active')).toBe(true);
    // An absolute-form target is judged and routed by its path alone.
    expect(tally.attempt((await raw(gateway.url, 'GET', 'http://elsewhere.example/identity/v1/users')).status === 401)).toBe(true);
    // What passes reaches the upstream exactly as judged: the service prefix stripped, nothing else changed.
    seenByEcho.length = 0;
    const passedOn = await raw(echoGateway.url, 'GET', '/audit/v1/events?cursor=%2F..%2F&limit=1', { authorization: `Bearer ${root.token}` });
    expect(passedOn.status).toBe(200);
    expect(seenByEcho).toEqual(['/v1/events?cursor=%2F..%2F&limit=1']);
    passed++;
  });

  it("answers another tenant's resources 404 like missing ones, at the gateway itself", async () => {
    for (const path of [`/tenancy/v1/tenants/${tenantId}`, `/tenancy/v1/tenants/${tenantId}/members`, `/sharing/v1/tenants/${tenantId}/shares`]) {
      const answer = await raw(gateway.url, 'GET', path, { authorization: `Bearer ${stranger.token}` });
      expect(tally.attempt(answer.status === 404 && problem(answer)), `${path} → ${answer.status}`).toBe(true);
    }
    passed++;
  });

  it('does not serve probes or metrics: they are for the cluster', async () => {
    for (const service of ['identity', 'tenancy', 'sharing', 'audit', 'authz']) {
      for (const path of ['metrics', 'readyz']) {
        const answer = await raw(gateway.url, 'GET', `/${service}/${path}`, { authorization: `Bearer ${root.token}` });
        expect(tally.attempt(answer.status === 404), `/${service}/${path} → ${answer.status}`).toBe(true);
      }
    }
    expect((await raw(gateway.url, 'GET', '/identity/healthz')).status).toBe(200);
    passed++;
  });
});
