import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { postJson, readJson, startIdentity, uniqueEmail, type RunningIdentity } from '../../../../test/support/harness.js';

let identity: RunningIdentity;
const password = 'correct horse battery staple';

async function createUser(email = uniqueEmail()) {
  await identity.users.create({ email, name: 'Test User', password }, { actor: { user_id: null }, request_id: 'test' });
  return email;
}

async function login(email: string, pw = password) {
  return postJson(`${identity.url}/v1/auth/login`, { email, password: pw });
}

beforeAll(async () => {
  identity = await startIdentity();
});
afterAll(async () => {
  await identity?.close();
});

describe('login', () => {
  it('returns a token pair whose access token verifies against the published JWKS', async () => {
    const email = await createUser();
    const response = await login(email.toUpperCase());
    expect(response.status).toBe(200);
    const body = await readJson(response);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(Buffer.from(body.refresh_token, 'base64url').length).toBeGreaterThanOrEqual(32);

    const jwks = createRemoteJWKSet(new URL(`${identity.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, {
      issuer: identity.config.ISSUER,
      audience: 'portcullis',
      typ: 'at+jwt',
      algorithms: ['EdDSA'],
    });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload).toMatchObject({ client_id: 'portcullis', amr: ['pwd'] });
    expect(payload.sid).toBeTruthy();
    expect(payload.jti).toBeTruthy();
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(typeof payload.auth_time).toBe('number');
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const email = await createUser();
    const wrongPassword = await login(email, 'not the password');
    const unknownEmail = await login(uniqueEmail('nobody'), 'not the password');
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const a = await readJson(wrongPassword);
    const b = await readJson(unknownEmail);
    expect(wrongPassword.headers.get('content-type')).toContain('application/problem+json');
    expect({ ...a, instance: undefined }).toEqual({ ...b, instance: undefined });
  });

  it('refuses a body that is not JSON with 400 and one over 1 MiB with 413', async () => {
    const badJson = await fetch(`${identity.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('content-type')).toContain('application/problem+json');

    const huge = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) });
    const tooLarge = await fetch(`${identity.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: huge });
    expect(tooLarge.status).toBe(413);
    expect((await readJson(tooLarge)).status).toBe(413);
  });

  it('names each invalid field in errors[]', async () => {
    const response = await postJson(`${identity.url}/v1/auth/login`, { email: 42 });
    expect(response.status).toBe(400);
    const problem = await readJson(response);
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.email', 'body.password']);
  });
});

describe('refresh', () => {
  it('rotates the refresh token, and reuse of a rotated one revokes the whole session', async () => {
    const email = await createUser();
    const first = await readJson(await login(email));

    const rotated = await postJson(`${identity.url}/v1/auth/refresh`, { refresh_token: first.refresh_token });
    expect(rotated.status).toBe(200);
    const second = await readJson(rotated);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const me = await fetch(`${identity.url}/v1/me`, { headers: { authorization: `Bearer ${second.access_token}` } });
    expect(me.status).toBe(200);

    const reuse = await postJson(`${identity.url}/v1/auth/refresh`, { refresh_token: first.refresh_token });
    expect(reuse.status).toBe(401);

    // The thief's reuse ends the legitimate holder's session too.
    const afterReuse = await postJson(`${identity.url}/v1/auth/refresh`, { refresh_token: second.refresh_token });
    expect(afterReuse.status).toBe(401);
    const meAfter = await fetch(`${identity.url}/v1/me`, { headers: { authorization: `Bearer ${second.access_token}` } });
    expect(meAfter.status).toBe(401);

    const outbox = await identity.runtime.orm.em.fork().execute<{ type: string }[]>(
      `select payload->>'type' as type from outbox where payload->'data'->'target'->>'session_id' = ?`,
      [JSON.parse(Buffer.from(second.access_token.split('.')[1], 'base64url').toString()).sid],
    );
    expect(outbox.map((r) => r.type)).toContain('portcullis.identity.refresh.reused');
  });

  it('refuses an unknown refresh token with 401', async () => {
    const response = await postJson(`${identity.url}/v1/auth/refresh`, { refresh_token: 'not-a-token' });
    expect(response.status).toBe(401);
  });
});

describe('logout', () => {
  it('ends the session: the access token and the refresh token stop working', async () => {
    const email = await createUser();
    const pair = await readJson(await login(email));
    const logout = await fetch(`${identity.url}/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${pair.access_token}` } });
    expect(logout.status).toBe(204);
    expect((await fetch(`${identity.url}/v1/me`, { headers: { authorization: `Bearer ${pair.access_token}` } })).status).toBe(401);
    expect((await postJson(`${identity.url}/v1/auth/refresh`, { refresh_token: pair.refresh_token })).status).toBe(401);
  });
});

describe('signing keys', () => {
  it('rotates: new tokens use the new key, old tokens still verify, the JWKS lists both', async () => {
    const email = await createUser();
    const before = await readJson(await login(email));
    const oldKid = decodeProtectedHeader(before.access_token).kid;
    const newKid = await identity.signingKeys.rotate();
    expect(newKid).not.toBe(oldKid);

    const after = await readJson(await login(email));
    expect(decodeProtectedHeader(after.access_token).kid).toBe(newKid);
    const jwks = await readJson(await fetch(`${identity.url}/.well-known/jwks.json`));
    const kids = jwks.keys.map((k: { kid: string }) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(jwks.keys.every((k: Record<string, unknown>) => k.d === undefined)).toBe(true);
    expect((await fetch(`${identity.url}/v1/me`, { headers: { authorization: `Bearer ${before.access_token}` } })).status).toBe(200);
  });
});
