// Runs a command (the test suite) with Postgres available: reuses a running one, starts its own otherwise, and stops
// whatever it started when the command ends. NATS is the test run's own (test/support/global-setup.ts starts it).
import { spawn } from 'node:child_process';
import { ensureInfra, InfraError } from './infra.js';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: tsx deploy/dev/with-infra.ts <command> [args…]');
  process.exit(2);
}

let infra;
try {
  infra = await ensureInfra({ log: (line) => console.log(`[infra] ${line}`) });
} catch (error) {
  console.error(error instanceof InfraError ? `[infra] ${error.message}` : error);
  process.exit(1);
}
for (const line of infra.started) console.log(`[infra] started ${line}`);

const child = spawn(command, args, {
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: infra.databaseUrl },
});
const forward = (signal: NodeJS.Signals) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code: number = await new Promise((resolve) => child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))));
await infra.stop();
process.exit(code);
