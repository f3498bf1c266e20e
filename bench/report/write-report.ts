// Writes a run's results file, its charts and BENCHMARKS.md (make bench), or redraws the last two from a results file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCharts } from './charts.js';
import { renderMarkdown } from './markdown.js';
import { resultsPaths, type BenchRun } from './results.js';

export async function writeReport(root: string, run: BenchRun, options: { writeResults: boolean }): Promise<string[]> {
  const paths = resultsPaths(root, run);
  mkdirSync(paths.dir, { recursive: true });
  const written: string[] = [];
  if (options.writeResults) {
    writeFileSync(paths.json, `${JSON.stringify(run, null, 2)}\n`);
    written.push(paths.relativeJson);
  }
  const charts = await renderCharts(run);
  const links = charts.map((chart) => ({ ...chart, file: `${paths.relativeDir}/${paths.stem}-${chart.name}.svg` }));
  for (const chart of links) {
    writeFileSync(join(root, chart.file), chart.svg);
    written.push(chart.file);
  }
  writeFileSync(join(root, 'BENCHMARKS.md'), renderMarkdown(run, { resultsFile: paths.relativeJson, charts: links }));
  written.push('BENCHMARKS.md');
  return written;
}
