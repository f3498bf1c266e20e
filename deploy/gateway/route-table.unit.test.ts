import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isOwnAccount, isPermission } from '@portcullis/shared/http';
import { RouteTable } from '../../services/authz/src/services/route-table.js';
import { renderRouteTable, serviceRoutes } from './route-table.js';

const committed = readFileSync(fileURLToPath(new URL('../../policies/routes.yaml', import.meta.url)), 'utf8');
const SAMPLE = '0190a4b2-7c1d-7e3f-8a9b-0c1d2e3f4a5b';

describe("the gateway's route table", () => {
  it('is exactly what the routers declare (npm run routes:table writes it)', () => {
    expect(committed).toBe(renderRouteTable());
  });

  it('decides every routed operation as its spec declares it: the same access, object, action and tenant', () => {
    const table = RouteTable.load();
    let checked = 0;
    for (const { service, routers } of serviceRoutes()) {
      for (const { method, path, spec } of routers.flatMap((router) => router.operations)) {
        if (spec.gateway === 'not-routed') continue;
        const uri = `/${service}${path.replace(/:[a-z_]+/g, SAMPLE)}`;
        const decision = table.decide(method, uri);
        const { access } = spec;
        if (access === 'public') expect(decision, uri).toEqual({ kind: 'public' });
        else if (access === 'authenticated' || isOwnAccount(access)) expect(decision, uri).toEqual({ kind: 'authenticated' });
        else if (access === 'grant-tokens') expect(decision, uri).toEqual({ kind: 'authenticated', grantTokens: true });
        else if (isPermission(access)) {
          expect(decision, `${method} ${uri}`).toEqual({ kind: 'policy', object: access.object, action: access.action, ...(access.tenant ? { tenantId: SAMPLE } : {}) });
          if (access.self) expect(table.decide(method, uri.replace(new RegExp(`${SAMPLE}$`), 'me'))).toEqual({ kind: 'authenticated' });
        }
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('refuses what no router declares', () => {
    const table = RouteTable.load();
    expect(table.decide('GET', '/identity/v1/nothing-here')).toEqual({ kind: 'unknown' });
    expect(table.decide('GET', '/authz/v1/forward-auth')).toEqual({ kind: 'unknown' });
    expect(table.decide('PUT', '/tenancy/v1/tenants')).toEqual({ kind: 'unknown' });
  });
});
