import { spawn } from 'node:child_process';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { loadToolCommand } from './pinning.js';

/** Runs bench/support/load-client.ts in a child process and returns its latencies (ms). */
export async function runLoadClient(input: { calls: { method: string; url: string; body?: string }[]; token: string; warmup: number; expect: number }): Promise<number[]> {
  const child = spawn(...loadToolCommand(['--import', 'tsx', fileURLToPath(new URL('./load-client.ts', import.meta.url))]), { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(input));
  const [output, code] = await Promise.all([text(child.stdout), new Promise((resolve) => child.once('exit', resolve))]);
  if (code !== 0) throw new Error(`load client exited ${String(code)}`);
  return JSON.parse(output) as number[];
}
