import { describe, expect, it } from 'vitest';
import { parsePolicyCsv, PolicyParseError, readPolicyRules, readVocabulary, type Vocabulary } from '@portcullis/shared/authz';
import { checkModel, findProblems } from './policy-check.js';

const vocabulary: Vocabulary = {
  roles: { admin: { domain: 'tenant' }, platform_admin: { domain: 'platform' } },
  objects: { members: ['read', 'create'], tenant: ['read'] },
};

describe('policy check', () => {
  it('accepts the repository policy', () => {
    expect(findProblems(readPolicyRules(), readVocabulary(), 'policy.csv')).toEqual([]);
  });

  it('names file and line for a rule that does not parse', () => {
    expect(() => parsePolicyCsv('p, admin, tenant:*, members, read, allow\np, admin, tenant:*, members\n', 'x.csv')).toThrow(/x\.csv:2: expected 6 fields/);
    expect(() => parsePolicyCsv('g, alice, admin, tenant:1\n', 'x.csv')).toThrow(PolicyParseError);
    expect(() => parsePolicyCsv('p, admin, tenant:*, members, read, maybe\n', 'x.csv')).toThrow(/effect must be allow or deny/);
    expect(() => parsePolicyCsv('p, admin, tenant:42, members, read, allow\n', 'x.csv')).toThrow(/domain pattern/);
  });

  it('finds unknown roles, objects and actions, misplaced tenant roles, duplicates and unreachable allows', () => {
    const rules = parsePolicyCsv(
      [
        'p, admin, tenant:*, members, read, allow',
        'p, admni, tenant:*, members, read, allow',
        'p, admin, tenant:*, membres, read, allow',
        'p, admin, tenant:*, members, erase, allow',
        'p, admin, platform, members, read, allow',
        'p, admin, tenant:*, members, read, allow',
        'p, admin, tenant:*, tenant, read, allow',
        'p, admin, tenant:*, tenant, *, deny',
      ].join('\n'),
    );
    const messages = findProblems(rules, vocabulary, 'policy.csv').map((p) => `${p.line}: ${p.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^2: unknown role "admni"/),
      expect.stringMatching(/^3: unknown object "membres"/),
      expect.stringMatching(/^4: unknown action "erase"/),
      expect.stringMatching(/^5: tenant role "admin" can only be held in a tenant/),
      '6: duplicate of line 1',
      expect.stringMatching(/^7: unreachable: the deny on line 8/),
    ]);
  });

  it('refuses a rule written for a user instead of a role, which Casbin would apply but Portcullis never decides', () => {
    const rules = parsePolicyCsv('p, 0190a4b2-7c1d-7e3f-8a9b-0c1d2e3f4a5b, tenant:*, members, read, allow\n');
    expect(findProblems(rules, vocabulary, 'policy.csv')).toEqual([
      { file: 'policy.csv', line: 1, message: expect.stringMatching(/unknown role .*a p rule's subject is a role, never a user.*never in force/) },
    ]);
  });

  it('refuses a model that does not parse', () => {
    expect(() => checkModel('[request_definition]\nr = sub\n', 'model.conf')).toThrow(PolicyParseError);
  });
});
