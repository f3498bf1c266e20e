import { describe, expect, it } from 'vitest';
import { RouteTable } from './route-table.js';

const table = RouteTable.load();

describe('the gateway route table', () => {
  it.each([
    ['POST', '/identity/v1/auth/login', { kind: 'public' }],
    ['GET', '/audit/healthz', { kind: 'public' }],
    ['GET', '/identity/v1/me', { kind: 'authenticated' }],
    ['POST', '/identity/v1/me/mfa/totp/confirm', { kind: 'authenticated' }],
    ['GET', '/tenancy/v1/tenants/t-1?page=2', { kind: 'policy', object: 'tenant', action: 'read', tenantId: 't-1' }],
    ['GET', '/tenancy/v1/tenants/t%201', { kind: 'policy', object: 'tenant', action: 'read', tenantId: 't 1' }],
    // Not valid percent-encoding: matched as sent (as the service's router would), not a 500.
    ['GET', '/tenancy/v1/tenants/%FF', { kind: 'policy', object: 'tenant', action: 'read', tenantId: '%FF' }],
    ['delete', '/tenancy/v1/tenants/t-1/members/u-2', { kind: 'policy', object: 'members', action: 'delete', tenantId: 't-1' }],
    ['POST', '/tenancy/v1/tenants', { kind: 'policy', object: 'tenant', action: 'create' }],
    ['PUT', '/tenancy/v1/tenants/t-1', { kind: 'unknown' }],
    ['GET', '/nowhere', { kind: 'unknown' }],
  ])('%s %s', (method, uri, expected) => {
    expect(table.decide(method, uri)).toEqual(expected);
  });
});
