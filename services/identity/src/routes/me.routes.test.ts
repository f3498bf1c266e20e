import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, startIdentity, type RunningIdentity } from '../../../../test/support/harness.js';
import { person } from '../../../../test/support/people.js';

let identity: RunningIdentity;
const PASSWORD = 'correct horse battery staple 42';
const url = (path: string) => `${identity.url}/v1${path}`;
const login = async (email: string, password = PASSWORD) => call('POST', url('/auth/login'), undefined, { email, password });

beforeAll(async () => {
  identity = await startIdentity();
});
afterAll(async () => {
  await identity?.close();
});

describe('my sessions', () => {
  it('are listed with the current one marked, ended one by one or all at once, and never someone else’s', async () => {
    const me = await person(identity, 'sessions');
    const second = (await login(me.email)).body.access_token as string;
    const third = (await login(me.email)).body.access_token as string;
    const listed = await call('GET', url('/me/sessions'), me.token);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(3);
    expect(listed.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

    const mine = await call('GET', url('/me/sessions'), second);
    const secondId = mine.body.items.find((s: { current: boolean }) => s.current).id;
    expect((await call('DELETE', url(`/me/sessions/${secondId}`), me.token)).status).toBe(204);
    expect((await call('GET', url('/me'), second)).status).toBe(401);
    // Every service hears of it over NATS (identity's outbox sends it as soon as the revocation commits).
    await eventually(async () => (identity.runtime.revokedSessions.isRevoked(secondId) ? true : undefined), 1000, 10);

    const stranger = await person(identity, 'stranger');
    const myOwnId = listed.body.items.find((s: { current: boolean }) => s.current).id;
    expect((await call('DELETE', url(`/me/sessions/${myOwnId}`), stranger.token)).status).toBe(404);
    expect((await call('DELETE', url('/me/sessions/00000000-0000-4000-8000-000000000000'), me.token)).status).toBe(404);

    const all = await call('DELETE', url('/me/sessions'), me.token);
    expect(all.body).toEqual({ revoked_sessions: 1 });
    expect((await call('GET', url('/me'), third)).status).toBe(401);
    expect((await call('GET', url('/me'), me.token)).status).toBe(200);
  });
});

describe('my profile', () => {
  it('renames, and changes the password with the current one, ending the other sessions', async () => {
    const me = await person(identity, 'profile');
    const other = (await login(me.email)).body.access_token as string;
    expect((await call('PATCH', url('/me'), me.token, { name: 'New Name' })).body.name).toBe('New Name');
    const wrong = await call('PUT', url('/me/password'), me.token, { current_password: 'not it', new_password: 'a brand new password' });
    expect(wrong.status).toBe(400);
    expect((await call('PUT', url('/me/password'), me.token, { current_password: PASSWORD, new_password: 'short' })).status).toBe(400);
    const changed = await call('PUT', url('/me/password'), me.token, { current_password: PASSWORD, new_password: 'a brand new password' });
    expect(changed).toMatchObject({ status: 200, body: { revoked_sessions: 1 } });
    expect((await call('GET', url('/me'), other)).status).toBe(401);
    expect((await call('GET', url('/me'), me.token)).status).toBe(200);
    expect((await login(me.email)).status).toBe(401);
    expect((await login(me.email, 'a brand new password')).status).toBe(200);
  });
});
