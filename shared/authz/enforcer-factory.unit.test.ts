import { describe, expect, it } from 'vitest';
import { buildEnforcer, domainMatch, domainMatcher, objectMatch, objectMatcher } from './enforcer-factory.js';
import { readModelText } from './policy-files.js';

describe('matching functions', () => {
  it('domainMatch: exact, tenant:* and *', () => {
    expect(domainMatch('tenant:1', 'tenant:*')).toBe(true);
    expect(domainMatch('platform', 'tenant:*')).toBe(false);
    expect(domainMatch('platform', '*')).toBe(true);
    expect(domainMatch('platform', 'platform')).toBe(true);
    expect(domainMatch('tenant:1', 'tenant:2')).toBe(false);
  });

  it('objectMatch: a type covers its resources, not other types', () => {
    expect(objectMatch('document:42', 'document')).toBe(true);
    expect(objectMatch('document', 'document')).toBe(true);
    expect(objectMatch('documents', 'document')).toBe(false);
    expect(objectMatch('anything', '*')).toBe(true);
  });
});

describe('an enforcer built from rows', () => {
  it('applies grants in place, without a reload', async () => {
    const enforcer = await buildEnforcer(readModelText(), [['member', 'tenant:*', 'document', 'read', 'allow']], []);
    expect(enforcer.enforceSync('u1', 'tenant:a', 'document:1', 'read')).toBe(false);
    await enforcer.addNamedGroupingPolicy('g', 'u1', 'member', 'tenant:a');
    expect(enforcer.enforceSync('u1', 'tenant:a', 'document:1', 'read')).toBe(true);
    expect(enforcer.enforceSync('u1', 'tenant:b', 'document:1', 'read')).toBe(false);
    await enforcer.removeNamedGroupingPolicy('g', 'u1', 'member', 'tenant:a');
    expect(enforcer.enforceSync('u1', 'tenant:a', 'document:1', 'read')).toBe(false);
  });
});

describe('the precomputed matchers', () => {
  it('agree with domainMatch and objectMatch on every pair of a table', () => {
    const domains = ['*', 'platform', 'tenant:*', 'tenant:1', 'tenant:10', 'tenant:', 'tenant', 'other:*', ''];
    const objects = ['*', 'document', 'document:1', 'document:1:page', 'documents', 'doc', 'audit', ''];
    for (const p of domains) for (const r of domains) expect([p, r, domainMatcher(p)(r)]).toEqual([p, r, domainMatch(r, p)]);
    for (const p of objects) for (const r of objects) expect([p, r, objectMatcher(p)(r)]).toEqual([p, r, objectMatch(r, p)]);
  });
});
