import { spawn } from 'node:child_process';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { loadToolCommand } from './pinning.js';

export interface Throughput {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Runs bench/support/throughput-client.ts (autocannon) in a child process against `urls`, taken in turn. */
export async function runThroughputClient(input: { urls: string[]; connections: number; durationSeconds: number; headers?: Record<string, string> }): Promise<Throughput> {
  const child = spawn(...loadToolCommand(['--import', 'tsx', fileURLToPath(new URL('./throughput-client.ts', import.meta.url))]), { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(input));
  const [output, code] = await Promise.all([text(child.stdout), new Promise((resolve) => child.once('exit', resolve))]);
  if (code !== 0) throw new Error(`throughput client exited ${String(code)}`);
  return JSON.parse(output) as Throughput;
}

/** Throws when any load of any setup had a non-2xx answer or an error: a throughput of failures measures nothing. */
export function assertAllSucceeded(runs: Record<string, Throughput[]>): void {
  for (const [name, list] of Object.entries(runs)) {
    const failed = list.reduce((n, t) => n + t.non2xx + t.errors, 0);
    if (failed) throw new Error(`${name}: ${failed} failed requests`);
  }
}
