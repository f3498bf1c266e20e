import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { requestJson, type NatsConnection } from '@portcullis/shared/nats';
import { testEnv } from './harness.js';

export interface ProbeProcess {
  enforce: (sub: string, dom: string, obj: string, act: string) => Promise<{ allowed: boolean; version: number }>;
  stop: () => Promise<void>;
}

/** Starts test/support/policy-probe.ts in its own Node process and talks to it over NATS. */
export async function startProbeProcess(nc: NatsConnection, env: Record<string, string> = {}): Promise<ProbeProcess> {
  const id = randomBytes(4).toString('hex');
  const base = testEnv();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./policy-probe.ts', import.meta.url))], {
    env: { ...process.env, ...base, PROBE_ID: id, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('probe did not start')), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`probe exited with ${code}`)));
  });
  const prefix = base.NATS_SUBJECT_PREFIX ?? '';
  return {
    enforce: async (sub, dom, obj, act) => {
      const reply = await requestJson<{ ok: boolean; result: { allowed: boolean; version: number } }>(nc, `${prefix}probe.${id}.enforce`, { sub, dom, obj, act });
      return reply.result;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
