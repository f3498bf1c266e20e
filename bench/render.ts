// Redraws the charts and BENCHMARKS.md from a results file without measuring again (after a change to the report):
//   node --import tsx bench/render.ts [bench/results/<date>.json]   (default: the newest full run)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultsFiles } from './report/history.js';
import type { BenchRun } from './report/results.js';
import { writeReport } from './report/write-report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const file = process.argv[2] ? resolve(process.argv[2]) : resultsFiles(root, 'full').at(-1);
if (!file) {
  console.error('no results file in bench/results: run make bench first');
  process.exit(2);
}
const run = JSON.parse(readFileSync(file, 'utf8')) as BenchRun;
for (const path of await writeReport(root, run, { writeResults: false })) console.log(`wrote ${path}`);
