import { describe, expect, it } from 'vitest';
import { renderCharts } from './charts.js';
import { sampleRun } from './fixtures/run.js';

describe('benchmark charts', () => {
  it('draws cost growth, latency distributions and HTTP throughput as standalone SVG', async () => {
    const run = sampleRun();
    run.parts.push({
      part: 'cost-growth',
      command: 'node --expose-gc --import tsx bench/cost-growth.bench.ts',
      rounds: 3,
      seconds: 5,
      figures: [],
      series: {
        growth: [100, 1_000, 10_000, 100_000].map((grants) => ({ label: `${grants}`, grants, tenants: grants / 10, p50_us: 1.4, p99_us: 3.5, heap_mib: grants / 2000 })),
      },
    });
    run.parts[0].figures[1].distribution = { percentiles: [50, 99], figure: [10, 12], baseline: [1, 2] };
    const charts = await renderCharts(run);
    expect(charts.map((c) => c.name)).toEqual(['cost-growth', 'latency', 'throughput']);
    for (const chart of charts) {
      expect(chart.svg.startsWith('<svg')).toBe(true);
      expect(chart.svg.trimEnd().endsWith('</svg>')).toBe(true);
    }
    expect(charts[0].svg).toContain('Cost growth');
    expect(charts[1].svg).toContain('primary-key lookup');
    expect(charts[2].svg).toContain('750/s');
  });

  it('leaves out a chart it has no data for', async () => {
    const run = sampleRun();
    run.parts[0].figures = run.parts[0].figures.filter((f) => !f.http);
    expect(await renderCharts(run)).toEqual([]);
  });
});
