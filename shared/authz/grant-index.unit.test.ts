import { describe, expect, it } from 'vitest';
import { GrantIndex } from './grant-index.js';

describe('the grant index', () => {
  it('finds grants by subject and by domain, and forgets removed ones', () => {
    const index = new GrantIndex([
      ['u1', 'admin', 'tenant:a'],
      ['u1', 'viewer', 'tenant:b'],
      ['u2', 'member', 'tenant:a'],
    ]);
    expect(index.ofSubject('u1')).toEqual([['u1', 'admin', 'tenant:a'], ['u1', 'viewer', 'tenant:b']]);
    expect(index.inDomain('tenant:a')).toEqual([['u1', 'admin', 'tenant:a'], ['u2', 'member', 'tenant:a']]);
    index.add(['u1', 'admin', 'tenant:a']);
    expect(index.ofSubject('u1')).toHaveLength(2);
    index.remove(['u1', 'admin', 'tenant:a']);
    expect(index.ofSubject('u1')).toEqual([['u1', 'viewer', 'tenant:b']]);
    expect(index.inDomain('tenant:a')).toEqual([['u2', 'member', 'tenant:a']]);
    index.remove(['u2', 'member', 'tenant:a']);
    expect(index.inDomain('tenant:a')).toEqual([]);
    expect(index.ofSubject('nobody')).toEqual([]);
  });

  it('knows which roles anyone holds, counting each holder once', () => {
    const index = new GrantIndex([
      ['u1', 'admin', 'tenant:a'],
      ['u2', 'admin', 'tenant:b'],
    ]);
    index.add(['u1', 'admin', 'tenant:a']);
    expect([...index.heldRoles]).toEqual(['admin']);
    index.remove(['u1', 'admin', 'tenant:a']);
    expect([...index.heldRoles]).toEqual(['admin']);
    index.remove(['u2', 'admin', 'tenant:b']);
    index.remove(['u2', 'admin', 'tenant:b']);
    expect([...index.heldRoles]).toEqual([]);
  });
});
