// On a small machine the load tool and the servers under test compete for the same cores. With BENCH_PIN=1 (where
// `taskset` exists and there are at least 2 cores) the load tool runs on the last core and the bench process — the
// servers it hosts and the processes it starts, nginx included — on the others; Postgres and NATS keep their own
// scheduling. Off by default: on the 2-core machine it was tried on it made the rounds less steady, not more
// (bench/README.md has the figures).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path));

export interface Pinning {
  /** The core the load tool runs on. */
  clientCpu: number;
  /** The cores the servers run on, as taskset's list. */
  serverCpus: string;
}

export function pinning(): Pinning | undefined {
  const cpus = availableParallelism();
  if (process.env.BENCH_PIN !== '1' || !TASKSET || cpus < 2) return undefined;
  return { clientCpu: cpus - 1, serverCpus: cpus === 2 ? '0' : `0-${cpus - 2}` };
}

/** Moves this process (every thread) to the server cores; what it starts afterwards inherits that. */
export function pinServersHere(): Pinning | undefined {
  const pin = pinning();
  if (pin) execFileSync(TASKSET!, ['-a', '-p', '-c', pin.serverCpus, String(process.pid)], { stdio: 'ignore' });
  return pin;
}

/** The command line that starts `args` with node on the load tool's core (or anywhere, unpinned). */
export function loadToolCommand(args: string[]): [string, string[]] {
  const pin = pinning();
  return pin ? [TASKSET!, ['-c', String(pin.clientCpu), process.execPath, ...args]] : [process.execPath, args];
}

/** How the figures were taken, for the report. */
export function pinningNote(): string {
  const pin = pinning();
  return pin
    ? `load tool pinned to core ${pin.clientCpu}, servers to core(s) ${pin.serverCpus} (taskset); Postgres and NATS unpinned`
    : 'load tool and servers unpinned, sharing every core (BENCH_PIN=1 pins them apart; see bench/README.md)';
}
