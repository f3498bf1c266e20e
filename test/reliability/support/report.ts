// A reliability suite's figures (requests tried, faults injected, events lost, leaks…), written where
// test/reliability/render.ts collects them into RELIABILITY.md. One file per suite, replaced on each run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ReliabilityFigure {
  /** What was counted or measured. */
  name: string;
  value: number | string;
  /** What it must be (e.g. "0", "≤ 5 s"); absent for figures that are only reported. */
  expected?: string;
  /** Whether the value meets `expected`; the suite's assertions decide it, this only records it. */
  ok?: boolean;
}

export interface SuiteReport {
  /** File name of the suite without .test.ts: the key of its section. */
  suite: string;
  title: string;
  /** The issue part it answers (1–6 of issue 10). */
  part: number;
  figures: ReliabilityFigure[];
  notes?: string;
  /** For attack suites (part 7): the finding of issue 17, attempts made and attempts that got in. */
  attack?: { finding: number; tried: number; gotIn: number };
}

export const RESULTS_DIR = fileURLToPath(new URL('../../../.reliability/', import.meta.url));

export function writeSuiteReport(report: SuiteReport): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${report.suite}.json`), `${JSON.stringify({ ...report, finishedAt: new Date().toISOString() }, null, 2)}\n`);
}
