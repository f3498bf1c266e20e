import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, startAudit, startAuthz, startIdentity, startTenancy, type RunningAudit, type RunningAuthz, type RunningIdentity, type RunningTenancy } from './support/harness.js';
import { person } from './support/people.js';
import { tokensOf } from '../services/identity/src/services/auth.service.js';

let identity: RunningIdentity;
let tenancy: RunningTenancy;
let audit: RunningAudit;
let authz: RunningAuthz;

beforeAll(async () => {
  identity = await startIdentity();
  [tenancy, audit, authz] = await Promise.all([
    startTenancy(identity, { MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'portcullis-mail-')) }),
    startAudit(identity),
    startAuthz(identity),
  ]);
});

afterAll(async () => {
  await Promise.all([tenancy?.close(), audit?.close(), authz?.close()]);
  await identity?.close();
});

it('refuses the access token of a logged-out session in tenancy, audit and authz within 1 s, while other sessions work', async () => {
  const user = await person(identity, 'leaver', ['auditor']);
  const other = tokensOf(await identity.auth.login(user.email, 'correct horse battery staple 42', { request_id: 'test' }));
  const probes = (token: string) => [
    () => call('GET', `${tenancy.url}/v1/me/tenants`, token),
    () => call('GET', `${audit.url}/v1/events?limit=1`, token),
    () => call('POST', `${authz.url}/v1/check`, token, { object: 'audit', action: 'read' }),
    () => call('GET', `${authz.url}/v1/forward-auth`, token, undefined, { 'x-original-method': 'GET', 'x-original-uri': '/tenancy/v1/me/tenants' }),
  ];
  for (const probe of probes(user.token)) expect((await probe()).status).toBe(200);

  expect((await call('POST', `${identity.url}/v1/auth/logout`, user.token)).status).toBe(204);
  const loggedOutAt = performance.now();
  const refusedAfter = await Promise.all(
    probes(user.token).map(async (probe) => {
      for (;;) {
        const res = await probe();
        if (res.status === 401) return performance.now() - loggedOutAt;
        if (performance.now() - loggedOutAt > 5000) return Infinity;
        await new Promise((r) => setTimeout(r, 10));
      }
    }),
  );
  expect(refusedAfter.every((ms) => ms < 1000), `refused after ${refusedAfter.map((ms) => ms.toFixed(0)).join(', ')} ms`).toBe(true);
  // The user's other session is untouched.
  for (const probe of probes(other.access_token)) expect((await probe()).status).toBe(200);
});
