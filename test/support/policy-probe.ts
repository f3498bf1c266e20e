// A separate process holding its own policy engine, for tests that prove changes reach other processes.
// Answers `<prefix>probe.<id>.enforce` requests ({sub, dom, obj, act}) with {allowed, version}.
import { PolicyEngine } from '@portcullis/shared/authz';
import { createOrm } from '@portcullis/shared/db';
import { createLogger } from '@portcullis/shared/http';
import { connectNats, respondJson } from '@portcullis/shared/nats';
import { authzEntities } from '../../services/authz/src/entities/index.js';
import { authzMigrations } from '../../services/authz/src/migrations/index.js';

const env = process.env;
const prefix = env.NATS_SUBJECT_PREFIX ?? '';
const logger = createLogger('policy-probe', 'warn');
const orm = await createOrm({ databaseUrl: env.DATABASE_URL!, schema: 'authz', entities: authzEntities, migrations: authzMigrations, poolMax: 2 });
const nc = await connectNats({ url: env.NATS_URL!, name: 'policy-probe', credentials: env });
const engine = await PolicyEngine.start({
  orm,
  nc,
  logger,
  subjectPrefix: prefix,
  reconcileIntervalMs: Number(env.RECONCILE_MS ?? 5000),
});
respondJson<{ sub: string; dom: string; obj: string; act: string }, { allowed: boolean; version: number }>(
  nc,
  `${prefix}probe.${env.PROBE_ID}.enforce`,
  `probe-${env.PROBE_ID}`,
  async (q) => ({ allowed: engine.enforce(q.sub, q.dom, q.obj, q.act), version: engine.version }),
);
await nc.flush();
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await engine.stop();
  await nc.close();
  await orm.close(true);
  process.exit(0);
});
