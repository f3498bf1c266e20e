// make bench [QUICK=1]: every benchmark part, each in its own process against a real Postgres and NATS (reused, or
// started as make dev does), then bench/results/<date>[-quick].json, its SVG charts and BENCHMARKS.md.
//   node --import tsx bench/run.ts [--quick] [--only=policy,auth]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureInfra, InfraError } from '../deploy/dev/infra.js';
import { findNginx } from '../deploy/dev/nginx.js';
import { connectAs, type ProjectNats } from '../deploy/dev/project-nats.js';
import { ANY, type NatsAuthOptions } from '../deploy/nats/permissions.js';

/** Each part takes its own subject prefix, stream and bucket on make bench's NATS (as a test run's suites do). */
const BENCH_NATS_AUTH: NatsAuthOptions = { prefix: ANY, stream: ANY, bucket: ANY, durables: ANY };
import type { BenchRun, Machine } from './report/results.js';
import { writeReport } from './report/write-report.js';
import type { PartResult } from './support/figures.js';
import { pinningNote } from './support/pinning.js';

interface Part {
  name: string;
  /** Needs --expose-gc (it measures live heap). */
  gc?: boolean;
}

// Quick in-process parts first, the long HTTP and ingestion parts after.
const PARTS: Part[] = [
  { name: 'auth' },
  { name: 'cost-growth', gc: true },
  { name: 'policy', gc: true },
  { name: 'tenancy' },
  { name: 'audit' },
  { name: 'sharing' },
  { name: 'gateway' },
  { name: 'audit-ingest', gc: true },
];

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick') || process.env.QUICK === '1';
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const parts = only ? PARTS.filter((p) => only.includes(p.name)) : PARTS;
const command = quick ? 'make bench QUICK=1' : 'make bench';

/** What `binary args` prints of its version (nginx prints it on stderr). */
function versionOf(binary: string, args: string[]): string | undefined {
  const { stdout, stderr } = spawnSync(binary, args, { encoding: 'utf8' });
  return `${stdout ?? ''}${stderr ?? ''}`.trim() || undefined;
}

async function machine(databaseUrl: string, nats: ProjectNats): Promise<Machine> {
  // The server's version, from its maintenance database (the product's database need not exist yet).
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('show server_version');
  await client.end();
  const nc = await connectAs(nats, 'bench-run');
  const natsVersion = nc.info?.version;
  await nc.close();
  const nginx = findNginx();
  return {
    cpu: cpus()[0]?.model ?? 'unknown CPU',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    postgres: rows[0].server_version,
    nats: natsVersion ?? 'unknown',
    nginx: nginx ? (versionOf(nginx, ['-v']) ?? 'unknown').replace(/^nginx version: /, '') : 'not installed',
    pinning: pinningNote(),
  };
}

async function runPart(part: Part, env: NodeJS.ProcessEnv, dir: string): Promise<PartResult> {
  const out = join(dir, `${part.name}.json`);
  const args = [...(part.gc ? ['--expose-gc'] : []), '--import', 'tsx', join(root, 'bench', `${part.name}.bench.ts`)];
  console.log(`\n── ${part.name}: node ${args.join(' ').replace(`${root}`, '')}`);
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...env, BENCH_OUT: out, BENCH_QUICK: quick ? '1' : '0' } });
  const code: number = await new Promise((resolve) => child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))));
  if (code !== 0) throw new Error(`${part.name} exited ${code}`);
  return JSON.parse(readFileSync(out, 'utf8')) as PartResult;
}

async function main(): Promise<number> {
  const started = new Date();
  let infra;
  try {
    infra = await ensureInfra({ log: (line) => console.log(`[infra] ${line}`), nats: { auth: BENCH_NATS_AUTH, dir: mkdtempSync(join(tmpdir(), 'portcullis-bench-nats-')) } });
  } catch (error) {
    console.error(error instanceof InfraError ? `[infra] ${error.message}` : error);
    return 1;
  }
  for (const line of infra.started) console.log(`[infra] started ${line}`);
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-'));
  const failed: string[] = [];
  const results: PartResult[] = [];
  try {
    const nats = infra.nats!;
    const env = { ...process.env, DATABASE_URL: infra.databaseUrl, NATS_URL: nats.url, NATS_KEYS_FILE: nats.keysFile };
    const host = await machine(infra.databaseUrl, nats);
    console.log(`${command} — ${quick ? 'quick' : 'full'} run, ${started.toISOString()}`);
    console.log(`machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, Node ${host.node}, Linux ${host.kernel}; Postgres ${host.postgres}, nats-server ${host.nats}, nginx ${host.nginx}`);
    console.log(`HTTP figures: ${host.pinning}`);
    for (const part of parts) {
      try {
        results.push(await runPart(part, env, dir));
      } catch (error) {
        console.error(`!! ${(error as Error).message}`);
        failed.push(part.name);
      }
    }
    const run: BenchRun = {
      date: started.toISOString().slice(0, 10),
      started: started.toISOString(),
      mode: quick ? 'quick' : 'full',
      command,
      seconds: (Date.now() - started.getTime()) / 1000,
      machine: host,
      parts: results,
      failed,
    };
    // A partial run (--only) prints its figures but leaves the committed results and report alone.
    const written = only ? [] : await writeReport(root, run, { writeResults: true });
    console.log(`\n${command}: ${run.seconds.toFixed(0)} s${written.length ? `; wrote ${written.join(', ')}` : ' (partial run: nothing written)'}${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}`);
    return failed.length ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await infra.stop();
  }
}

process.exit(await main());
