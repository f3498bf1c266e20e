import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyParseError, readModelText, readPolicyRules } from '@portcullis/shared/authz';
import { readSuites, runSuites } from './policy-test-runner.js';

function suiteDir(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'policy-tests-'));
  writeFileSync(join(dir, 'suite.yaml'), yaml);
  return dir;
}

const run = (yaml: string) => runSuites(readModelText(), readPolicyRules(), readSuites(suiteDir(yaml)));

describe('policy test', () => {
  it('decides a case as the central model does, and agrees with the full enforcer', async () => {
    const results = await run(['grants:', '  - [alice, admin, "tenant:1"]', 'cases:', '  - { sub: alice, dom: "tenant:1", obj: members, act: delete, allow: true }', '  - { sub: alice, dom: "tenant:2", obj: members, act: delete, allow: false }'].join('\n'));
    expect(results.map((r) => [r.actual, r.fullEnforcer, r.passed])).toEqual([[true, true, true], [false, false, true]]);
  });

  it('refuses a case whose subject is spelled like a role, naming its line, instead of quietly answering no', async () => {
    const yaml = ['cases:', '  - { sub: alice, dom: platform, obj: tenant, act: create, allow: false }', '  - { sub: admin, dom: "tenant:1", obj: members, act: read, allow: true }'].join('\n');
    await expect(run(yaml)).rejects.toThrow(PolicyParseError);
    await expect(run(yaml)).rejects.toThrow(/suite\.yaml:3: case subject "admin" is the name of a role/);
  });

  it('refuses a grant whose subject is a role (role inheritance is not written as grants)', async () => {
    await expect(run(['grants:', '  - [admin, member, "tenant:1"]', 'cases:', '  - { sub: alice, dom: platform, obj: tenant, act: read, allow: false }'].join('\n'))).rejects.toThrow(/grant \["admin","member","tenant:1"\]: its subject is the name of a role/);
  });
});
