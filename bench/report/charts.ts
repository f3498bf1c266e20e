// The SVG charts of a run, drawn with Vega-Lite (rendered headless, no browser): how a decision's cost grows with the
// grants, the latency distributions of each figure beside its baseline, and throughput beside its baseline.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { formatValue } from '../support/figures.js';
import { figuresOf, type BenchRun } from './results.js';

export interface Chart {
  name: string;
  title: string;
  svg: string;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const FONT = { config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: '#ddd' } } };

async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return `${svg}\n`;
}

function costGrowth(run: BenchRun): TopLevelSpec | undefined {
  const growth = run.parts.find((p) => p.part === 'cost-growth')?.series?.growth;
  if (!growth) return undefined;
  const bySize = growth.filter((row) => Number(row.tenants) * 10 === Number(row.grants));
  const latency = bySize.flatMap((row) => [
    { grants: row.grants, series: 'p50', us: row.p50_us },
    { grants: row.grants, series: 'p99', us: row.p99_us },
  ]);
  const fewTenants = growth.filter((row) => Number(row.tenants) * 10 !== Number(row.grants)).flatMap((row) => [
    { grants: row.grants, series: `p50, ${Number(row.tenants).toLocaleString('en')} tenants`, us: row.p50_us },
    { grants: row.grants, series: `p99, ${Number(row.tenants).toLocaleString('en')} tenants`, us: row.p99_us },
  ]);
  const x = { field: 'grants', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'grants (10 members per tenant)', axis: { values: bySize.map((r) => Number(r.grants)), format: ',' } };
  return {
    $schema: SCHEMA,
    ...FONT,
    title: { text: 'Cost growth: enforce latency and decider heap by number of grants', subtitle: `${run.command}, ${run.date}; medians over rounds` },
    hconcat: [
      {
        width: 320,
        height: 220,
        layer: [
          { data: { values: latency }, mark: { type: 'line', point: true }, encoding: { x, y: { field: 'us', type: 'quantitative', title: 'µs per decision' }, color: { field: 'series', type: 'nominal', title: null } } },
          { data: { values: fewTenants }, mark: { type: 'point', shape: 'diamond', size: 80, filled: true }, encoding: { x, y: { field: 'us', type: 'quantitative' }, color: { field: 'series', type: 'nominal', title: null } } },
        ],
      },
      {
        width: 320,
        height: 220,
        data: { values: bySize.map((row) => ({ grants: row.grants, mib: row.heap_mib })) },
        mark: { type: 'line', point: true, color: '#54a24b' },
        encoding: { x, y: { field: 'mib', type: 'quantitative', scale: { type: 'log' }, title: 'decider heap (MiB, log)' } },
      },
    ],
  } as TopLevelSpec;
}

function latencyDistributions(run: BenchRun): TopLevelSpec | undefined {
  const rows = figuresOf(run)
    .filter((f) => f.distribution)
    .flatMap((f) => {
      const d = f.distribution!;
      const panel = `${f.measure.name} (${f.measure.unit})${f.baseline ? `|vs ${f.baseline.name}` : ''}`;
      return d.percentiles.flatMap((p, i) => [
        { panel, percentile: `p${p}`, order: i, series: 'measured', value: d.figure[i] },
        ...(d.baseline ? [{ panel, percentile: `p${p}`, order: i, series: 'baseline', value: d.baseline[i] }] : []),
      ]);
    });
  if (!rows.length) return undefined;
  return {
    $schema: SCHEMA,
    ...FONT,
    title: { text: 'Latency distributions, each beside its baseline (last round)', subtitle: `${run.command}, ${run.date}; log scale` },
    data: { values: rows },
    facet: { field: 'panel', type: 'nominal', title: null, header: { labelExpr: "split(datum.label, '|')", labelLimit: 0, labelFontSize: 11 } },
    columns: 2,
    spec: {
      width: 340,
      height: 150,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'percentile', type: 'ordinal', sort: { field: 'order' }, title: null, axis: { labelAngle: 0 } },
        y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: null },
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['measured', 'baseline'], range: ['#e45756', '#4c78a8'] } },
      },
    },
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

function throughput(run: BenchRun): TopLevelSpec | undefined {
  const rows = figuresOf(run)
    .filter((f) => f.http && f.measure.unit === '/s' && f.baseline)
    .flatMap((f) => [
      { figure: f.measure.name, series: 'measured', value: f.measure.value, label: formatValue(f.measure.value, '/s') },
      { figure: f.measure.name, series: `baseline: ${f.baseline!.name}`, value: f.baseline!.value, label: `${formatValue(f.baseline!.value, '/s')} — ${f.baseline!.name}` },
    ]);
  if (!rows.length) return undefined;
  return {
    $schema: SCHEMA,
    ...FONT,
    title: { text: 'HTTP throughput beside its baseline (same run, same load tool)', subtitle: `${run.command}, ${run.date}; medians over rounds` },
    data: { values: rows },
    width: 460,
    height: { step: 16 },
    encoding: {
      y: { field: 'figure', type: 'nominal', title: null, axis: { labelLimit: 200 } },
      yOffset: { field: 'series', sort: 'descending' },
      x: { field: 'value', type: 'quantitative', title: 'requests per second' },
      color: { field: 'series', type: 'nominal', title: null, legend: null, scale: { range: ['#4c78a8', '#4c78a8', '#4c78a8', '#e45756'] } },
    },
    layer: [{ mark: 'bar' }, { mark: { type: 'text', align: 'left', dx: 3, fontSize: 9 }, encoding: { text: { field: 'label' } } }],
  } as TopLevelSpec;
}

export async function renderCharts(run: BenchRun): Promise<Chart[]> {
  const specs: [string, string, TopLevelSpec | undefined][] = [
    ['cost-growth', 'Cost growth by number of grants', costGrowth(run)],
    ['latency', 'Latency distributions beside their baselines', latencyDistributions(run)],
    ['throughput', 'Throughput beside its baseline', throughput(run)],
  ];
  const charts: Chart[] = [];
  for (const [name, title, spec] of specs) if (spec) charts.push({ name, title, svg: await toSvg(spec) });
  return charts;
}
