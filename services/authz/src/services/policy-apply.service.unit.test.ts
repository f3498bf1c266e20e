import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLinkRule, linkRules, policyDir } from '@portcullis/shared/authz';
import { InMemoryUnitOfWork } from '@portcullis/shared/db/testing';
import { loadCheckedRules, PolicyApplyService, PolicyInvalid, type PolicyApplyRepositories } from './policy-apply.service.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The apply service over an in-memory policy store: the stored role rules are what the unit of work's policy holds. */
function applyUnderTest() {
  const uow: InMemoryUnitOfWork<PolicyApplyRepositories> = new InMemoryUnitOfWork<PolicyApplyRepositories>(
    { rules: { pRules: async () => [...uow.policy.rules].map((rule) => JSON.parse(rule) as string[]).filter((rule) => !isLinkRule(rule)) } },
    undefined,
    'authz',
  );
  return { uow, service: new PolicyApplyService(uow) };
}

/** A copy of the policy files with `lines` appended to policy.csv. */
function editedPolicy(...lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-policy-unit-'));
  dirs.push(dir);
  cpSync(policyDir(), dir, { recursive: true });
  appendFileSync(join(dir, 'policy.csv'), `\n${lines.join('\n')}\n`);
  return dir;
}

describe('policy apply (unit, in memory)', () => {
  it('replaces the stored role rules with policy.csv in one unit of work, records authz.policy.applied with the diff, and announces that version', async () => {
    const { uow, service } = applyUnderTest();

    const result = await service.apply({ actorId: null, requestId: 'req-apply' });

    const rules = loadCheckedRules();
    expect(result).toMatchObject({ changed: true, version: uow.policy.version, removed: [] });
    expect(result.added).toEqual(rules);
    expect(await service.diff()).toEqual({ added: [], removed: [] });
    expect(uow.policy.announced).toEqual([result.version]);
    const [applied] = uow.eventsOf('policy.applied');
    expect(applied.data.target).toEqual({ policy_version: result.version, rules: rules.length });
    expect(applied.data.request_id).toBe('req-apply');
    expect(uow.eventsOf('policy.applied')).toHaveLength(1);
  });

  it('applying what is stored already changes nothing: no version, no event, no announcement', async () => {
    const { uow, service } = applyUnderTest();
    await service.apply();
    const [version, events] = [uow.policy.version, uow.events.length];

    expect(await service.apply()).toEqual({ changed: false, added: [], removed: [] });
    expect([uow.policy.version, uow.events.length, uow.policy.announced.length]).toEqual([version, events, 1]);
  });

  it("an edit is applied as its difference, and share links' rules are neither listed nor touched", async () => {
    const { uow, service } = applyUnderTest();
    await service.apply();
    const [link] = linkRules('0194f1a2-0000-7000-8000-000000000001', '0194f1a2-0000-7000-8000-000000000002', 'document:d1', ['read']);
    await uow.run((tx) => tx.policy.addLinkRule(link));
    const dir = editedPolicy('p, viewer, tenant:*, document, update, allow');

    expect(await service.diff(dir)).toEqual({ added: [['viewer', 'tenant:*', 'document', 'update', 'allow']], removed: [] });
    const result = await service.apply({ dir });

    expect(result.added).toEqual([['viewer', 'tenant:*', 'document', 'update', 'allow']]);
    expect(uow.policy.rules.has(JSON.stringify(link))).toBe(true);
    expect(uow.eventsOf('policy.applied').at(-1)?.data.changes).toEqual({ before: { removed: [] }, after: { added: result.added } });
  });

  it('a policy that fails its checks is refused before anything is written', async () => {
    const { uow, service } = applyUnderTest();
    await service.apply();
    const [version, events] = [uow.policy.version, uow.events.length];
    const dir = editedPolicy('p, nobody-knows-me, tenant:*, document, read, allow');

    await expect(service.apply({ dir })).rejects.toBeInstanceOf(PolicyInvalid);
    expect([uow.policy.version, uow.events.length]).toEqual([version, events]);
  });
});
