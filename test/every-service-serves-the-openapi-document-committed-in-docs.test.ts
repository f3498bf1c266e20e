import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, startEveryService, type EveryService } from './support/harness.js';

let services: EveryService;

beforeAll(async () => {
  services = await startEveryService();
}, 120_000);
afterAll(async () => {
  await services?.close();
});

// docs/openapi is generated from the routers without starting anything (deploy/docs); the running services build
// their /openapi.json from the routers they actually mount. The two must be the same document.
it('every running service serves exactly the OpenAPI document committed in docs/openapi', async () => {
  for (const service of ['identity', 'tenancy', 'sharing', 'audit', 'authz'] as const) {
    const served = await call('GET', `${services[service].url}/openapi.json`);
    expect(served.status).toBe(200);
    const committed = JSON.parse(readFileSync(new URL(`../docs/openapi/${service}.json`, import.meta.url), 'utf8'));
    expect(served.body, service).toEqual(committed);
  }
});
