import { describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH } from './hash-chain.js';

describe('chainHash', () => {
  it('does not depend on the order of keys', () => {
    expect(chainHash(GENESIS_HASH, { a: 1, b: { c: 2, d: 3 } })).toBe(chainHash(GENESIS_HASH, { b: { d: 3, c: 2 }, a: 1 }));
  });

  it('changes when the event or the previous hash changes', () => {
    const base = chainHash(GENESIS_HASH, { a: 1 });
    expect(chainHash(GENESIS_HASH, { a: 2 })).not.toBe(base);
    expect(chainHash(base, { a: 1 })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });
});
