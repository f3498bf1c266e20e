// make bench-compare [QUICK=1]: the newest results of the mode against the previous committed ones; every figure's
// change, and a flag (exit code 1) on each regression over 20%.
//   node --import tsx bench/compare.ts [--quick] [before.json after.json]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareRuns, REGRESSION_THRESHOLD } from './report/compare.js';
import { committedResults, resultsFiles } from './report/history.js';
import type { BenchRun } from './report/results.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick') || process.env.QUICK === '1';
const mode: BenchRun['mode'] = quick ? 'quick' : 'full';
const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));

/** [label, run] of the two runs to compare. */
function pick(): [[string, BenchRun], [string, BenchRun]] | string {
  if (files.length === 2) return [[files[0], JSON.parse(readFileSync(files[0], 'utf8'))], [files[1], JSON.parse(readFileSync(files[1], 'utf8'))]];
  const newest = resultsFiles(root, mode).at(-1);
  if (!newest) return `no ${mode} results in bench/results: run ${quick ? 'make bench QUICK=1' : 'make bench'} first`;
  const newestPath = relative(root, newest);
  const newestText = readFileSync(newest, 'utf8');
  // The previous committed run: the newest committed file that is not this very run.
  const previous = committedResults(root, mode).filter(([path, content]) => !(path === newestPath && content === newestText)).at(-1);
  if (!previous) return `no earlier committed ${mode} results to compare ${newestPath} with`;
  const label = previous[0] === newestPath ? `${previous[0]} (committed)` : previous[0];
  return [[label, JSON.parse(previous[1])], [newestPath, JSON.parse(newestText)]];
}

const picked = pick();
if (typeof picked === 'string') {
  console.log(picked);
  process.exit(0);
}
const [[beforeLabel, before], [afterLabel, after]] = picked;
const { changes, added, removed } = compareRuns(before, after);
console.log(`${afterLabel} (${after.started}) against ${beforeLabel} (${before.started})`);
if (before.machine.cpu !== after.machine.cpu || before.machine.cores !== after.machine.cores) {
  console.log(`note: different machines (${before.machine.cpu}, ${before.machine.cores} cores → ${after.machine.cpu}, ${after.machine.cores} cores); ratios still compare, values less so`);
}
const width = Math.max(...changes.map((c) => c.id.length), 10);
for (const c of changes) {
  const sign = c.change >= 0 ? '+' : '−';
  const flag = c.regression ? `  REGRESSION (worse by more than ${REGRESSION_THRESHOLD * 100}%)` : '';
  console.log(`${c.id.padEnd(width)}  ${c.on.padEnd(5)}  ${c.before.padStart(12)} → ${c.after.padEnd(12)} ${sign}${Math.abs(c.change * 100).toFixed(0).padStart(3)}% ${c.direction}${flag}`);
}
if (added.length) console.log(`new figures: ${added.join(', ')}`);
if (removed.length) console.log(`figures no longer measured: ${removed.join(', ')}`);
const regressions = changes.filter((c) => c.regression);
console.log(regressions.length ? `${regressions.length} regression(s) over ${REGRESSION_THRESHOLD * 100}%` : `no regression over ${REGRESSION_THRESHOLD * 100}%`);
process.exit(regressions.length ? 1 : 0);
