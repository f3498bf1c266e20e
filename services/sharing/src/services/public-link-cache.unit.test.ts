import { describe, expect, it } from 'vitest';
import type { ResolvableShare } from '../repositories/share.repository.js';
import { PublicLinkCache } from './public-link-cache.js';

const link = (id: string, overrides: Partial<ResolvableShare> = {}): ResolvableShare => ({
  id,
  tenantId: 't1',
  resourceType: 'document',
  resourceId: id,
  visibility: 'public',
  permissions: ['read'],
  expiresAt: null,
  maxViews: null,
  viewCount: 0,
  status: 'active',
  ...overrides,
});

describe('the public link cache', () => {
  it('keeps live public links only, and forgets the oldest when full', () => {
    const cache = new PublicLinkCache(2);
    cache.remember('h-tenant', link('a', { visibility: 'tenant' }));
    cache.remember('h-revoked', link('b', { status: 'revoked' }));
    expect(cache.get('h-tenant')).toBeUndefined();
    expect(cache.get('h-revoked')).toBeUndefined();
    cache.remember('h1', link('1'));
    cache.remember('h2', link('2'));
    cache.remember('h3', link('3'));
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h2')?.id).toBe('2');
    expect(cache.get('h3')?.id).toBe('3');
  });
});
