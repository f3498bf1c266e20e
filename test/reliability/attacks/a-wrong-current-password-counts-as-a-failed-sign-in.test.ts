import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startIdentity, type RunningIdentity } from '../../support/harness.js';
import { ownDatabase, type OwnDatabase } from '../../support/own-database.js';
import { person, PERSON_PASSWORD } from '../../support/people.js';
import { AttackTally, recordAttack } from './support.js';

// Finding 6 (medium): PUT /v1/me/password was an unthrottled password oracle (15 wrong current_password in 0.8 s, no
// 429, no lock). Now a wrong current password is a failed sign-in of the account and the source: same counters, same
// lock. A database of its own: the suite locks its loopback address.
const SUITE = 'a-wrong-current-password-counts-as-a-failed-sign-in';
const MAX_FAILURES = 5;
const GUESSES = 15;

let database: OwnDatabase;
let identity: RunningIdentity;
const tally = new AttackTally();
let passed = false;

beforeAll(async () => {
  database = await ownDatabase('oracle');
  identity = await startIdentity({ ...database.env, LOGIN_MAX_FAILURES: String(MAX_FAILURES), LOGIN_MAX_FAILURES_PER_SOURCE: '1000' });
}, 60_000);

afterAll(async () => {
  if (passed) {
    recordAttack({
      suite: SUITE,
      title: 'Attack: guessing the password through the password change',
      finding: 6,
      tried: tally.tried,
      gotIn: tally.gotIn,
      notes: `${GUESSES} wrong current passwords with a stolen access token; the account locks after ${MAX_FAILURES} (LOGIN_MAX_FAILURES), the right one is refused while it is locked, and each guess is audited as login.failed.`,
    });
  }
  await identity?.close();
  await database?.drop();
});

describe('a stolen access token', () => {
  it('guesses the password through PUT /v1/me/password only until the account locks, as a sign-in would', async () => {
    const owner = await person(identity, 'oracle-owner');
    const stolen = (await call('POST', `${identity.url}/v1/auth/login`, undefined, { email: owner.email, password: PERSON_PASSWORD })).body.access_token as string;
    const statuses: number[] = [];
    for (let guess = 1; guess <= GUESSES; guess++) {
      const answer = await call('PUT', `${identity.url}/v1/me/password`, stolen, { current_password: `guess number ${guess}`, new_password: 'taken over for good 1' });
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, MAX_FAILURES)).toEqual(Array(MAX_FAILURES).fill(400));
    for (const status of statuses.slice(MAX_FAILURES)) expect(tally.attempt(status === 429), statuses.join(',')).toBe(true);
    // The right password is refused while the lock lasts, here and at sign-in: it is one account's counter.
    const right = await call('PUT', `${identity.url}/v1/me/password`, stolen, { current_password: PERSON_PASSWORD, new_password: 'taken over for good 1' });
    expect(tally.attempt(right.status === 429)).toBe(true);
    expect(tally.attempt((await call('POST', `${identity.url}/v1/auth/login`, undefined, { email: owner.email, password: PERSON_PASSWORD })).status === 429)).toBe(true);
    // The owner's own session is untouched, and every guess is in the audit trail.
    expect((await call('GET', `${identity.url}/v1/me`, owner.token)).status).toBe(200);
    const [{ n }] = await identity.runtime.orm.em.fork().execute<{ n: string }[]>(
      `select count(*)::text as n from identity.outbox where payload->>'type' = 'portcullis.identity.login.failed' and payload->'data'->>'reason' = 'invalid_current_password' and payload->'data'->'target'->>'user_id' = ?`,
      [owner.id],
    );
    expect(Number(n)).toBe(MAX_FAILURES);
    passed = true;
  });
});
