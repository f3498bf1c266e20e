import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type NatsServerHandle } from '../../deploy/dev/nats-server.js';
import { connectTestNats, startTestNatsServer } from '../../test/support/test-nats.js';
import { eventually, testEnv } from '../../test/support/harness.js';
import { authzEntities } from '../../services/authz/src/entities/index.js';
import { authzMigrations } from '../../services/authz/src/migrations/index.js';
import { createOrm } from '../db/index.js';
import { createLogger, ServiceUnavailable } from '../http/index.js';
import type { NatsConnection } from '../nats/index.js';
import { CasbinAuthorizer } from './casbin-authorizer.js';
import { PolicyEngine, PolicyUnavailable } from './policy-engine.js';
import type { MikroORM } from '@mikro-orm/postgresql';

let nats: NatsServerHandle;
let storeDir: string;
let port: number;
let nc: NatsConnection;
let orm: MikroORM;
let engine: PolicyEngine;
/** How long a lost NATS is tolerated before the engine refuses to decide. */
const OUTAGE_BOUND_MS = 1500;

beforeAll(async () => {
  storeDir = mkdtempSync(join(tmpdir(), 'portcullis-nats-'));
  port = await freePort();
  nats = await startTestNatsServer({ port, storeDir });
  nc = await connectTestNats('fail-closed-test', 'authz', nats.url);
  orm = await createOrm({ databaseUrl: testEnv().DATABASE_URL!, schema: 'authz', entities: authzEntities, migrations: authzMigrations, poolMax: 2 });
  engine = await PolicyEngine.start({ orm, nc, logger: createLogger('test', 'silent'), maxNatsOutageMs: OUTAGE_BOUND_MS, reconcileIntervalMs: 60_000 });
});
afterAll(async () => {
  await engine?.stop();
  await nc?.close();
  await orm?.close(true);
  await nats?.stop();
  rmSync(storeDir, { recursive: true, force: true });
});

describe('an instance that loses NATS', () => {
  it('keeps deciding during a short outage, fails closed (503) after the bound, and recovers when NATS returns', async () => {
    const principal = { user_id: 'someone', session_id: 's', amr: [], token_id: 'j', expires_at: 0 };
    const authorizer = new CasbinAuthorizer(engine);
    expect(authorizer.isAllowed(principal, 'platform', 'users', 'read')).toBe(false);

    await nats.stop();
    // The engine has seen NATS go, and within the bound it still decides (from what it holds).
    const lostAt = await eventually(async () => engine.natsUnreachableSince, 5000, 10);
    expect(Date.now() - lostAt).toBeLessThan(OUTAGE_BOUND_MS);
    expect(engine.isFresh()).toBe(true);
    expect(authorizer.isAllowed(principal, 'platform', 'users', 'read')).toBe(false);
    expect(engine.enforce('someone', 'platform', 'users', 'read')).toBe(false);
    // Past the bound it refuses.
    await eventually(async () => (engine.isFresh() ? undefined : true), 5000, 20);
    expect(Date.now() - lostAt).toBeGreaterThanOrEqual(OUTAGE_BOUND_MS);
    expect(() => engine.enforce('someone', 'platform', 'users', 'read')).toThrow(PolicyUnavailable);
    expect(() => authorizer.isAllowed(principal, 'platform', 'users', 'read')).toThrow(ServiceUnavailable);

    nats = await startTestNatsServer({ port, storeDir });
    await eventually(async () => (engine.isFresh() ? true : undefined), 10_000, 50);
    expect(authorizer.isAllowed(principal, 'platform', 'users', 'read')).toBe(false);
  }, 30_000);
});
