// The results file of one make bench run (bench/results/<date>[-quick].json) and where it lives.
import { join, relative } from 'node:path';
import type { Figure, PartResult } from '../support/figures.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  postgres: string;
  nats: string;
  nginx: string;
  /** How the load tool and the servers were placed on the cores. */
  pinning: string;
}

export interface BenchRun {
  /** YYYY-MM-DD, the file's name. */
  date: string;
  started: string;
  mode: 'full' | 'quick';
  command: string;
  seconds: number;
  machine: Machine;
  parts: PartResult[];
  /** Parts that did not finish: their figures are missing from this run. */
  failed: string[];
}

export function resultsPaths(root: string, run: Pick<BenchRun, 'date' | 'mode'>) {
  const dir = join(root, 'bench', 'results');
  const stem = run.mode === 'quick' ? `${run.date}-quick` : run.date;
  const json = join(dir, `${stem}.json`);
  return { dir, stem, json, relativeDir: relative(root, dir), relativeJson: relative(root, json) };
}

export function figuresOf(run: BenchRun): Figure[] {
  return run.parts.flatMap((part) => part.figures);
}
