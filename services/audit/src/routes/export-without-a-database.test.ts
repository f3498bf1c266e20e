import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAudit, startIdentity, type RunningAudit, type RunningIdentity } from '../../../../test/support/harness.js';
import { person } from '../../../../test/support/people.js';

let identity: RunningIdentity;
let audit: RunningAudit;

beforeAll(async () => {
  identity = await startIdentity();
  audit = await startAudit(identity);
});

afterAll(async () => {
  await audit?.close().catch(() => undefined);
  await identity?.close();
});

describe('an export when the database cannot answer', () => {
  it('is a problem+json error answer, not a 200 whose connection is then cut', async () => {
    const root = await person(identity, 'export-root', ['platform_admin']);
    const working = await fetch(`${audit.url}/v1/events/export?format=ndjson`, { headers: { authorization: `Bearer ${root.token}` } });
    await working.arrayBuffer();
    expect(working.status).toBe(200);
    // The audit service's pool is gone: its first read fails.
    await audit.runtime.orm.close(true);
    const res = await fetch(`${audit.url}/v1/events/export?format=csv`, { headers: { authorization: `Bearer ${root.token}` } });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(((await res.json()) as { status: number }).status).toBe(res.status);
  });
});
