import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { eventually, postJson, readJson, startAudit, startIdentity, uniqueEmail, type RunningAudit, type RunningIdentity } from './support/harness.js';

let identity: RunningIdentity;
let audit: RunningAudit;
const adminEmail = uniqueEmail('admin');
const adminPassword = 'admin password that is long';
const password = 'user password that is long';

async function loginAs(email: string, pw: string) {
  return readJson(await postJson(`${identity.url}/v1/auth/login`, { email, password: pw }));
}

function events(query: string, token?: string) {
  return fetch(`${audit.url}/v1/events?${query}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
}

beforeAll(async () => {
  identity = await startIdentity();
  audit = await startAudit(identity);
  await identity.users.ensureBootstrapAdmin(adminEmail, adminPassword);
});
afterAll(async () => {
  await audit?.close();
  await identity?.close();
});

describe('a login, end to end', () => {
  it('issues a token that verifies against the JWKS, and the audit service stores the login event', async () => {
    const email = uniqueEmail();
    const user = await identity.users.create({ email, name: 'Ada', password }, { actor: { user_id: null }, request_id: 'test' });

    const tokens = await loginAs(email, password);
    const jwks = createRemoteJWKSet(new URL(`${identity.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: identity.config.ISSUER, audience: 'portcullis', typ: 'at+jwt' });
    expect(payload.sub).toBe(user.id);

    const admin = await loginAs(adminEmail, adminPassword);
    const stored = await eventually(async () => {
      const page = await readJson(await events(`type=portcullis.identity.login.succeeded&actor_id=${user.id}`, admin.access_token));
      return page.items.length ? page.items[0] : undefined;
      // A liveness bound only: the 2-second target is measured by bench/audit.bench.ts, not by a timed test.
    }, 10_000, 25);

    expect(stored).toMatchObject({
      specversion: '1.0',
      source: 'portcullis/identity',
      type: 'portcullis.identity.login.succeeded',
      subject: `user:${user.id}`,
      datacontenttype: 'application/json',
      data: { actor: { user_id: user.id, ip: expect.any(String) }, outcome: 'success', target: { user_id: user.id, session_id: payload.sid } },
    });
    expect(stored.sequence).toMatch(/^\d+$/);
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records a failed login with the failure outcome', async () => {
    const email = uniqueEmail('victim');
    const user = await identity.users.create({ email, name: 'Bob', password }, { actor: { user_id: null }, request_id: 'test' });
    expect((await postJson(`${identity.url}/v1/auth/login`, { email, password: 'wrong guess' })).status).toBe(401);
    const admin = await loginAs(adminEmail, adminPassword);
    const stored = await eventually(async () => {
      const page = await readJson(await events(`type=portcullis.identity.login.failed&actor_id=${user.id}`, admin.access_token));
      return page.items[0];
    });
    expect(stored.data).toMatchObject({ outcome: 'failure', reason: 'invalid_password' });
  });
});

describe('GET /v1/events', () => {
  it('is refused without a token (401) and to a user who is not the platform admin (403)', async () => {
    expect((await events('')).status).toBe(401);
    const email = uniqueEmail();
    await identity.users.create({ email, name: 'Eve', password }, { actor: { user_id: null }, request_id: 'test' });
    const eve = await loginAs(email, password);
    const response = await events('', eve.access_token);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('pages newest first with a cursor and filters by actor and time', async () => {
    const email = uniqueEmail('pager');
    const user = await identity.users.create({ email, name: 'Pat', password }, { actor: { user_id: null }, request_id: 'test' });
    const since = new Date().toISOString();
    for (let i = 0; i < 5; i++) await loginAs(email, password);
    const admin = await loginAs(adminEmail, adminPassword);
    const query = `actor_id=${user.id}&type=portcullis.identity.login.succeeded&from=${encodeURIComponent(since)}`;
    await eventually(async () => ((await readJson(await events(query, admin.access_token))).items.length === 5 ? true : undefined));

    const first = await readJson(await events(`${query}&limit=2`, admin.access_token));
    const second = await readJson(await events(`${query}&limit=2&cursor=${first.next_cursor}`, admin.access_token));
    const third = await readJson(await events(`${query}&limit=2&cursor=${second.next_cursor}`, admin.access_token));
    const sequences = [...first.items, ...second.items, ...third.items].map((e: { sequence: string }) => Number(e.sequence));
    expect(sequences).toHaveLength(5);
    expect([...sequences].sort((a, b) => b - a)).toEqual(sequences);
    expect(third.next_cursor).toBeNull();

    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await readJson(await events(`${query}&to=${encodeURIComponent(since)}`, admin.access_token));
    expect(none.items).toHaveLength(0);
    // A limit over 100 is served as 100, not refused (the contract's page-size rule).
    const capped = await events(`from=${future}&limit=500`, admin.access_token);
    expect(capped.status).toBe(200);
    expect((await readJson(capped)).items).toEqual([]);
    expect((await events(`cursor=garbage`, admin.access_token)).status).toBe(400);
  });
});
