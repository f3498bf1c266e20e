// What every benchmark part reports: figures measured in rounds, each beside its baseline from the same rounds.
import { writeFileSync } from 'node:fs';

export type Unit = 'µs' | 'ms' | '/s' | 'B' | 'MiB' | '%' | '×';

/** A threshold on the figure's value or on its ratio to the baseline. */
export interface Target {
  text: string;
  on: 'value' | 'ratio';
  op: '<=' | '>=';
  threshold: number;
}

export interface Measure {
  name: string;
  unit: Unit;
  /** Median over the rounds. */
  value: number;
  rounds: number[];
}

/** Percentiles of one round's latency samples, for the distribution charts. */
export interface Distribution {
  percentiles: number[];
  figure: number[];
  baseline?: number[];
}

export interface Ratio {
  value: number;
  rounds: number[];
  text: string;
  /** Shown as a percentage or as a factor. */
  unit: '%' | '×';
  better: 'lower' | 'higher';
}

export interface Figure {
  /** Stable across runs: what bench-compare matches on. */
  id: string;
  issue: number;
  title: string;
  measure: Measure;
  /** Which way is better for the value. */
  better: 'lower' | 'higher';
  baseline?: Measure;
  /** Measure against baseline per round (median over rounds); `text` says what it means. */
  ratio?: Ratio;
  target?: Target;
  met?: boolean;
  /** Other numbers worth a glance (p50 beside a p99, sizes, counts). */
  details?: Record<string, number | string>;
  /** An HTTP figure: the load tool and the servers share the machine's cores. */
  http?: boolean;
  distribution?: Distribution;
  /** Said when it misses: what limits it. */
  limits?: string;
}

export interface PartResult {
  part: string;
  command: string;
  rounds: number;
  seconds: number;
  figures: Figure[];
  /** Data for the charts, by name. */
  series?: Record<string, Record<string, number | string>[]>;
  notes?: string;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Nearest-rank percentile of already sorted samples. */
export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

export const latencyStats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, n: sorted.length };
};

export const DISTRIBUTION_PERCENTILES = [50, 75, 90, 95, 99, 99.9];
export const distributionOf = (samples: number[]): number[] => {
  const sorted = [...samples].sort((a, b) => a - b);
  return DISTRIBUTION_PERCENTILES.map((p) => percentile(sorted, p));
};

/** The latency distribution of a figure's samples beside its baseline's (for the charts). */
export const distributionBeside = (figureSamples: number[], baselineSamples: number[]): Distribution => ({
  percentiles: DISTRIBUTION_PERCENTILES,
  figure: distributionOf(figureSamples),
  baseline: distributionOf(baselineSamples),
});

export function measure(name: string, unit: Unit, rounds: number[]): Measure {
  return { name, unit, value: median(rounds), rounds };
}

/** Whether the target holds for the figure's medians. */
export function meets(figure: Pick<Figure, 'measure' | 'ratio' | 'target'>): boolean | undefined {
  const { target } = figure;
  if (!target) return undefined;
  const value = target.on === 'ratio' ? figure.ratio?.value : figure.measure.value;
  if (value === undefined) return false;
  return target.op === '<=' ? value <= target.threshold : value >= target.threshold;
}

/**
 * Builds a figure from per-round values of the measure and of its baseline; the ratio is taken per round (the two were
 * measured side by side, so noise that hits one round hits both) and its median reported.
 */
export function figure(spec: Omit<Figure, 'measure' | 'baseline' | 'ratio' | 'met'> & {
  measure: { name: string; unit: Unit; rounds: number[] };
  baseline?: { name: string; unit: Unit; rounds: number[] };
  ratio?: { text: string; unit?: '%' | '×'; better?: 'lower' | 'higher'; of?: (value: number, baseline: number) => number };
}): Figure {
  const result: Figure = { ...spec, measure: measure(spec.measure.name, spec.measure.unit, spec.measure.rounds), baseline: undefined, ratio: undefined };
  if (spec.baseline) result.baseline = measure(spec.baseline.name, spec.baseline.unit, spec.baseline.rounds);
  if (spec.baseline && spec.ratio) {
    const of = spec.ratio.of ?? ((value: number, baseline: number) => value / baseline);
    const rounds = spec.measure.rounds.map((value, i) => of(value, spec.baseline!.rounds[i]));
    result.ratio = { value: median(rounds), rounds, text: spec.ratio.text, unit: spec.ratio.unit ?? '×', better: spec.ratio.better ?? spec.better };
  }
  if (!result.baseline) delete result.baseline;
  if (!result.ratio) delete result.ratio;
  result.met = meets(result);
  if (result.met === undefined) delete result.met;
  return result;
}

/** The run's settings, as bench/run.ts passes them to each part. */
export function benchSettings() {
  const quick = process.env.BENCH_QUICK === '1';
  return { quick, rounds: Number(process.env.BENCH_ROUNDS || (quick ? 3 : 5)) };
}

/** Hands the part's figures to bench/run.ts (a file named by BENCH_OUT), or prints them when the part runs alone. */
export function emit(result: PartResult): void {
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(result));
  for (const f of result.figures) {
    const ratio = f.ratio ? ` — ${formatRatio(f.ratio)} (${f.ratio.text})` : '';
    const baseline = f.baseline ? `; ${f.baseline.name} ${formatValue(f.baseline.value, f.baseline.unit)}` : '';
    const verdict = f.met === undefined ? 'info' : f.met ? 'ok  ' : 'MISS';
    console.log(`${verdict} ${f.title}: ${formatValue(f.measure.value, f.measure.unit)}${baseline}${ratio}${f.target ? ` [target ${f.target.text}]` : ''}`);
  }
}

export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatRatio(ratio: Pick<Ratio, 'value' | 'unit'>): string {
  return ratio.unit === '%' ? `${(ratio.value * 100).toFixed(0)}%` : `${formatNumber(ratio.value)}×`;
}

export function formatValue(value: number, unit: Unit): string {
  if (unit === '/s') return `${Math.round(value).toLocaleString('en')}/s`;
  if (unit === '%') return `${value.toFixed(0)}%`;
  if (unit === '×') return `${formatNumber(value)}×`;
  return `${formatNumber(value)} ${unit}`;
}
