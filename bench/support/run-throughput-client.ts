import { spawn } from 'node:child_process';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';

export interface Throughput {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Runs bench/support/throughput-client.ts (autocannon) in a child process against `urls`, taken in turn. */
export async function runThroughputClient(input: { urls: string[]; connections: number; durationSeconds: number; headers?: Record<string, string> }): Promise<Throughput> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./throughput-client.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(input));
  const [output, code] = await Promise.all([text(child.stdout), new Promise((resolve) => child.once('exit', resolve))]);
  if (code !== 0) throw new Error(`throughput client exited ${String(code)}`);
  return JSON.parse(output) as Throughput;
}
