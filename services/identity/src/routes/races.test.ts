import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startIdentity, type RunningIdentity } from '../../../../test/support/harness.js';
import { person, signInWithTotp } from '../../../../test/support/people.js';
import { ThrottleRepository } from '../repositories/throttle.repository.js';

let identity: RunningIdentity;
const url = (path: string) => `${identity.url}/v1${path}`;

beforeAll(async () => {
  identity = await startIdentity();
});
afterAll(async () => {
  await identity?.close();
});

describe('requests at the same moment', () => {
  it('failed and successful sign-ins of one account from one address at once never deadlock on their counters', async () => {
    const keys = ['account:racer@example.test', 'source:203.0.113.77'];
    const orm = identity.runtime.orm;
    const fail = (key: string) => orm.em.fork().transactional((tx) => new ThrottleRepository(tx).fail(key, 3_600_000));
    const reset = () => orm.em.fork().transactional((tx) => new ThrottleRepository(tx).reset(keys));
    for (let round = 0; round < 20; round++) {
      // What concurrent sign-ins do: each failure counts both keys, each success forgets both.
      const outcomes = await Promise.allSettled(Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? reset() : fail(keys[i % 2]))));
      expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    }
  });

  it('an admin starting several impersonations at once gets each answered, and one is left open', async () => {
    const admin = await person(identity, 'imp-admin', ['platform_admin']);
    const token = await signInWithTotp(identity.url, admin);
    const targets = await Promise.all([1, 2, 3, 4].map((n) => person(identity, `imp-target${n}`)));
    const started = await Promise.all(targets.map((t) => call('POST', url('/impersonation'), token, { target_user_id: t.id, reason: 'race' })));
    expect(started.map((s) => s.status)).toEqual([201, 201, 201, 201]);
    const open = await call('GET', url('/impersonation/sessions?active=true'), token);
    expect(open.body.items.filter((s: { impersonator: { id: string } }) => s.impersonator.id === admin.id)).toHaveLength(1);
  });
});
