// A second process with its own PolicyEngine on the benchmark's database, answering over NATS: `<prefix>bench.enforce`
// (a decision) and `<prefix>bench.echo` (nothing: the bare round trip to the same process). Propagation is timed as
// the moment this other process's answer changes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PolicyEngine } from '@portcullis/shared/authz';
import { createOrm } from '@portcullis/shared/db';
import { createLogger } from '@portcullis/shared/http';
import { respondJson } from '@portcullis/shared/nats';
import { connectBenchNats } from './bench-env.js';
import { authzEntities } from '../../services/authz/src/entities/index.js';
import { authzMigrations } from '../../services/authz/src/migrations/index.js';

async function serve(databaseUrl: string, prefix: string): Promise<void> {
  const logger = createLogger('bench-enforcer', 'warn');
  const orm = await createOrm({ databaseUrl, schema: 'authz', entities: authzEntities, migrations: authzMigrations, poolMax: 2 });
  const nc = await connectBenchNats('bench-enforcer');
  const engine = await PolicyEngine.start({ orm, nc, logger, subjectPrefix: prefix, reconcileIntervalMs: 60_000 });
  respondJson<string[], boolean>(nc, `${prefix}bench.enforce`, 'bench', async (r) => engine.enforce(r[0], r[1], r[2], r[3]));
  respondJson<string[], boolean>(nc, `${prefix}bench.echo`, 'bench', async () => true);
  await nc.flush();
  process.stdout.write('ready\n');
}

/** Starts the process; resolves once it answers. Kill it with SIGKILL when done. */
export async function startEnforcerProcess(databaseUrl: string, prefix: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), databaseUrl, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => line === 'ready' && resolve());
    child.once('exit', (code) => reject(new Error(`enforcer process exited ${code}`)));
  });
  return child;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await serve(process.argv[2], process.argv[3]);
