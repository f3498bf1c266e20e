import { describe, expect, it } from 'vitest';
import { Decider } from './decider.js';
import { linkRules } from './link-rules.js';
import { parsePolicyCsv, policyDir, readModelText, toCasbinRule } from './policy-files.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const pRules = parsePolicyCsv(readFileSync(join(policyDir(), 'policy.csv'), 'utf8')).map(toCasbinRule);
const ROLES = ['admin', 'member', 'viewer'];
const OBJECTS = ['tenant', 'members', 'invitations', 'shares', 'audit', 'document', 'document:9', 'users', 'policy', 'impersonation', 'other'];
const ACTIONS = ['read', 'create', 'update', 'delete', 'share', 'manage', 'export', 'explain', 'anything'];

/** A small deterministic generator, so a failure names a reproducible request. */
function lcg(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
}

describe('the narrowed decision', () => {
  it('agrees with the full enforcer on 20,000 generated requests, platform roles and several roles per user included', async () => {
    const pick = lcg(7);
    const grants: string[][] = [];
    for (let u = 0; u < 200; u++) {
      for (let k = 0; k <= pick(3); k++) grants.push([`u${u}`, ROLES[pick(3)], `tenant:${pick(20)}`]);
    }
    grants.push(['u1', 'platform_admin', 'platform'], ['u2', 'auditor', 'platform'], ['u3', 'auditor', 'platform']);
    const decider = await Decider.build(readModelText(), pRules, grants);
    const viaCasbin = await Decider.build(readModelText(), pRules, grants, { compiled: false });
    expect([decider.evaluation, viaCasbin.evaluation]).toEqual(['compiled', 'casbin']);
    let allowed = 0;
    const disagreements: unknown[] = [];
    for (let i = 0; i < 20_000; i++) {
      const user = `u${pick(205)}`;
      const own = grants.filter((g) => g[0] === user).map((g) => g[2]);
      // Mostly a domain where the user holds a role, else any tenant or the platform.
      const dom = own.length && pick(3) > 0 ? own[pick(own.length)] : pick(10) === 0 ? 'platform' : `tenant:${pick(22)}`;
      const request = [user, dom, OBJECTS[pick(OBJECTS.length)], ACTIONS[pick(ACTIONS.length)]] as const;
      const narrowed = decider.decide(...request);
      // The same answer, and explain names the same deciding rule.
      const [fullAllowed, fullRule] = decider.enforcer.enforceExSync(...request);
      const [explained, rule] = decider.explain(...request);
      const casbinNarrowed = viaCasbin.decide(...request);
      const [, casbinRule] = viaCasbin.explain(...request);
      const sameRule = rule.join() === fullRule.join() && casbinRule.join() === fullRule.join();
      if (narrowed !== fullAllowed || casbinNarrowed !== fullAllowed || explained !== fullAllowed || !sameRule) {
        disagreements.push({ request, narrowed, casbinNarrowed, fullRule });
      }
      if (narrowed) allowed++;
    }
    expect(disagreements).toEqual([]);
    // Both answers occur often enough for the comparison to mean something.
    expect(allowed).toBeGreaterThan(2_000);
    expect(allowed).toBeLessThan(18_000);
  });

  it('sees grants added to and removed from the live enforcer at once', async () => {
    const decider = await Decider.build(readModelText(), pRules, []);
    expect(decider.decide('u1', 'tenant:a', 'members', 'create')).toBe(false);
    await decider.addGrant(['u1', 'admin', 'tenant:a']);
    expect(decider.decide('u1', 'tenant:a', 'members', 'create')).toBe(true);
    expect(decider.grants.ofSubject('u1')).toEqual([['u1', 'admin', 'tenant:a']]);
    await decider.removeGrant(['u1', 'admin', 'tenant:a']);
    expect(decider.decide('u1', 'tenant:a', 'members', 'create')).toBe(false);
    expect(decider.grants.inDomain('tenant:a')).toEqual([]);
  });

  it('never treats a subject spelled like a role as holding it', async () => {
    const decider = await Decider.build(readModelText(), pRules, []);
    // Casbin's role manager links every name to itself, so the bare enforcer would allow this.
    expect(decider.enforcer.enforceSync('admin', 'tenant:a', 'tenant', 'update')).toBe(true);
    expect(decider.decide('admin', 'tenant:a', 'tenant', 'update')).toBe(false);
    expect(decider.explain('platform_admin', 'platform', 'users', 'read')).toEqual([false, []]);
  });

  it("answers a share link's rule for its subject and that one resource only, as the full enforcer does, as links come and go", async () => {
    const pick = lcg(11);
    const grants: string[][] = [];
    for (let u = 0; u < 50; u++) grants.push([`u${u}`, ROLES[pick(3)], `tenant:${pick(5)}`]);
    grants.push(['u1', 'platform_admin', 'platform']);
    const link = (n: number) => linkRules(`s${n}`, String(n % 5), `document:${n}`, ['read'])[0];
    const decider = await Decider.build(readModelText(), [...pRules, link(0), link(1)], grants);
    expect(decider.evaluation).toBe('compiled');
    expect(decider.pRules()).toEqual(pRules);
    for (let n = 2; n < 40; n++) await decider.addRule(link(n));
    for (let n = 0; n < 40; n += 3) await decider.removeRule(link(n));
    expect(decider.decide('share:s1', 'tenant:1', 'document:1', 'read')).toBe(true);
    expect(decider.decide('share:s1', 'tenant:1', 'document:1', 'update')).toBe(false);
    expect(decider.decide('share:s1', 'tenant:1', 'document:2', 'read')).toBe(false);
    expect(decider.decide('share:s1', 'tenant:2', 'document:1', 'read')).toBe(false);
    expect(decider.decide('share:s3', 'tenant:3', 'document:3', 'read')).toBe(false);
    expect(decider.explain('share:s1', 'tenant:1', 'document:1', 'read')).toEqual([true, link(1)]);
    const disagreements: unknown[] = [];
    for (let i = 0; i < 5_000; i++) {
      const n = pick(45);
      const subject = pick(2) ? `share:s${n}` : `u${pick(52)}`;
      const request = [subject, `tenant:${pick(3) ? n % 5 : pick(5)}`, pick(4) ? `document:${pick(3) ? n : pick(45)}` : OBJECTS[pick(OBJECTS.length)], ACTIONS[pick(3)]] as const;
      const [fullAllowed, fullRule] = decider.enforcer.enforceExSync(...request);
      const [explained, rule] = decider.explain(...request);
      if (decider.decide(...request) !== fullAllowed || explained !== fullAllowed || rule.join() !== fullRule.join()) disagreements.push({ request, fullAllowed });
    }
    expect(disagreements).toEqual([]);
  });
});
