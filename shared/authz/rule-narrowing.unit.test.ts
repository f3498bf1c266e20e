import { describe, expect, it } from 'vitest';
import { RuleNarrowing, splitTopLevel, type PolicyRequest } from './rule-narrowing.js';

const MATCHER = 'domainMatch(r_dom, p_dom) && objectMatch(r_obj, p_obj) && (r_act == p_act || p_act == "*") && (g(r_sub, p_sub, r_dom) || g(r_sub, p_sub, "platform"))';
const EFFECT = 'some(where (p_eft == allow)) && !some(where (p_eft == deny))';
const P = ['p_sub', 'p_dom', 'p_obj', 'p_act', 'p_eft'];
const R = ['r_sub', 'r_dom', 'r_obj', 'r_act'];

const RULES = [
  ['admin', 'tenant:*', 'members', 'create', 'allow'],
  ['admin', 'tenant:*', 'document', '*', 'allow'],
  ['member', 'tenant:*', 'document', 'read', 'allow'],
  ['viewer', 'tenant:*', 'document', 'share', 'deny'],
  ['auditor', 'platform', 'users', 'read', 'allow'],
];
const request: PolicyRequest = ['u1', 'tenant:a', 'document:7', 'read'];

describe('splitTopLevel', () => {
  it('splits only outside parentheses and string literals', () => {
    expect(splitTopLevel('a(x && y) && "p && q" && (b || c)', '&&')).toEqual(['a(x&&y)', '"p&&q"', '(b||c)']);
    expect(splitTopLevel('g(a, b, "x||y") || g(a, b, c)', '||')).toEqual(['g(a,b,"x||y")', 'g(a,b,c)']);
  });
});

describe('rule narrowing read off the central model', () => {
  it('keeps only the rules of roles the subject holds, for the object and action asked', () => {
    const narrowing = RuleNarrowing.plan(MATCHER, EFFECT, P, R, RULES);
    expect(narrowing.conditions).toBe(4);
    const holdsAdminHere = (role: string, domain: string) => role === 'admin' && domain === 'tenant:a';
    expect(narrowing.candidates(request, holdsAdminHere)).toEqual([RULES[1]]);
    expect(narrowing.candidates(request, () => false)).toEqual([]);
  });

  it('counts roles held in the platform domain, as the matcher does', () => {
    const narrowing = RuleNarrowing.plan(MATCHER, EFFECT, P, R, RULES);
    const platformAuditor = (role: string, domain: string) => role === 'auditor' && domain === 'platform';
    expect(narrowing.candidates(['u1', 'platform', 'users', 'read'], platformAuditor)).toEqual([RULES[4]]);
  });

  it('does not narrow on a conjunct it does not recognise', () => {
    const changed = MATCHER.replace('objectMatch(r_obj, p_obj)', 'keyMatch(r_obj, p_obj)');
    const narrowing = RuleNarrowing.plan(changed, EFFECT, P, R, RULES);
    expect(narrowing.conditions).toBe(3);
    const holdsAll = () => true;
    expect(narrowing.candidates(['u1', 'tenant:a', 'anything', 'read'], holdsAll)).toEqual([RULES[1], RULES[2]]);
  });

  it('keeps policy order across roles, so explain names the rule the full enforcer would', () => {
    const interleaved = [RULES[2], RULES[1], ['member', 'tenant:*', 'document', '*', 'allow']];
    const narrowing = RuleNarrowing.plan(MATCHER, EFFECT, P, R, interleaved);
    expect(narrowing.candidates(request, () => true)).toEqual(interleaved);
  });

  it('is complete for the central model, and decides from the candidates: a matched deny wins', () => {
    const narrowing = RuleNarrowing.plan(MATCHER, EFFECT, P, R, RULES);
    expect(narrowing.complete).toBe(true);
    const viewerAndAdmin = (role: string) => role === 'viewer' || role === 'admin';
    expect(narrowing.decide(['u1', 'tenant:a', 'document:1', 'share'], viewerAndAdmin)).toBe(false);
    expect(narrowing.decide(['u1', 'tenant:a', 'document:1', 'read'], viewerAndAdmin)).toBe(true);
    expect(narrowing.decide(['u1', 'platform', 'document:1', 'read'], viewerAndAdmin)).toBe(false);
  });

  it('is not complete when a conjunct needs Casbin, and then does not decide', () => {
    const narrowing = RuleNarrowing.plan(`${MATCHER} && keyMatch(r_obj, "doc*")`, EFFECT, P, R, RULES);
    expect([narrowing.narrows, narrowing.complete]).toEqual([true, false]);
    expect(narrowing.decide(request, () => true)).toBeUndefined();
  });

  it('does not narrow a disjunction at the top level', () => {
    expect(RuleNarrowing.plan(`${MATCHER} || r_sub == "root"`, EFFECT, P, R, RULES).narrows).toBe(false);
    expect(RuleNarrowing.plan(`r_sub == "root" ? true : ${MATCHER}`, EFFECT, P, R, RULES).narrows).toBe(false);
  });

  it('is off under an effect where an unmatched rule could change the answer', () => {
    expect(RuleNarrowing.plan(MATCHER, '!some(where (p_eft == deny))', P, R, RULES).narrows).toBe(false);
    expect(RuleNarrowing.plan(MATCHER, 'priority(p_eft) || deny', P, R, RULES).narrows).toBe(false);
    // node-casbin's effector knows its expressions by exact spelling; so does the narrowing.
    expect(RuleNarrowing.plan(MATCHER, 'some(where(p_eft==allow))', P, R, RULES).narrows).toBe(false);
  });

  it('is off when the request has another shape', () => {
    expect(RuleNarrowing.plan(MATCHER, EFFECT, P, ['r_sub', 'r_obj', 'r_act'], RULES).narrows).toBe(false);
  });
});
