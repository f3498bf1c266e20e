import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type NatsServerHandle } from '../deploy/dev/nats-server.js';
import { startTestNatsServer } from './support/test-nats.js';
import { eventually, postJson, startAudit, startIdentity, uniqueEmail, type RunningAudit, type RunningIdentity } from './support/harness.js';
import { ownDatabase, type OwnDatabase } from './support/own-database.js';

let nats: NatsServerHandle;
let storeDir: string;
let port: number;
let identity: RunningIdentity;
let audit: RunningAudit;
let database: OwnDatabase;

beforeAll(async () => {
  // A NATS server of the test's own, so stopping it does not disturb anything else; and a database of its own, whose
  // outbox no service on the run's NATS would try to send.
  database = await ownDatabase('outage');
  storeDir = mkdtempSync(join(tmpdir(), 'portcullis-nats-'));
  port = await freePort();
  nats = await startTestNatsServer({ port, storeDir });
  const suffix = randomBytes(3).toString('hex').toUpperCase();
  const env = { ...database.env, NATS_URL: nats.url, AUDIT_STREAM: `AUDIT_OUTAGE_${suffix}`, NATS_SUBJECT_PREFIX: `outage${suffix.toLowerCase()}.`, AUDIT_CONSUMER: `outage-${suffix}` };
  identity = await startIdentity(env);
  audit = await startAudit(identity, env);
});

afterAll(async () => {
  await audit?.close();
  await identity?.close();
  await nats?.stop();
  rmSync(storeDir, { recursive: true, force: true });
  await database?.drop();
});

describe('while NATS is down', () => {
  it('a login still succeeds, and its event reaches the audit store once NATS is back', async () => {
    const email = uniqueEmail('outage');
    const user = await identity.users.create({ email, name: 'Olive', password: 'password during outage' }, { actor: { user_id: null }, request_id: 'test' });

    await nats.stop();
    const response = await postJson(`${identity.url}/v1/auth/login`, { email, password: 'password during outage' });
    expect(response.status).toBe(200);

    const em = identity.runtime.orm.em.fork();
    const [row] = await em.execute<{ id: string; published_at: Date | null }[]>(
      `select id, published_at from outbox where payload->>'type' = 'portcullis.identity.login.succeeded' and payload->'data'->'actor'->>'user_id' = ?`,
      [user.id],
    );
    expect(row).toBeDefined();
    // Give the relay a few attempts against the dead server: the event must wait, not vanish.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const [stillPending] = await em.execute<{ published_at: Date | null }[]>('select published_at from outbox where id = ?', [row.id]);
    expect(stillPending.published_at).toBeNull();

    nats = await startTestNatsServer({ port, storeDir });
    const stored = await eventually(async () => {
      const rows = await audit.runtime.orm.em.fork().execute<{ id: string }[]>('select id from events where id = ?', [row.id]);
      return rows.length ? rows : undefined;
    }, 30_000, 200);
    expect(stored).toHaveLength(1);
    // The relay marks the row after JetStream's ack, in its own transaction: the audit service may store the event first.
    await eventually(async () => {
      const [published] = await em.execute<{ published_at: Date | null }[]>('select published_at from outbox where id = ?', [row.id]);
      return published.published_at ?? undefined;
    }, 10_000, 100);
  }, 60_000);
});
