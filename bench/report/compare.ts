// The change of every figure between two runs, and which changes are regressions: a figure with a baseline is compared
// on its ratio (measured beside the baseline, it holds across noisy machines), any other on its value.
import { formatRatio, formatValue, type Figure } from '../support/figures.js';
import { figuresOf, type BenchRun } from './results.js';

export const REGRESSION_THRESHOLD = 0.2;

export interface Change {
  id: string;
  title: string;
  /** What was compared: the ratio to the baseline, or the value. */
  on: 'ratio' | 'value';
  before: string;
  after: string;
  /** (after − before) ÷ before. */
  change: number;
  direction: 'better' | 'worse' | 'same';
  /** Worse by more than 20%: a lower-is-better figure grew by more than 20%, a higher-is-better one fell by more. */
  regression: boolean;
}

function compared(f: Figure): { on: 'ratio' | 'value'; value: number; better: 'lower' | 'higher'; text: string } {
  if (f.ratio) return { on: 'ratio', value: f.ratio.value, better: f.ratio.better, text: formatRatio(f.ratio) };
  return { on: 'value', value: f.measure.value, better: f.better, text: formatValue(f.measure.value, f.measure.unit) };
}

export function compareRuns(before: BenchRun, after: BenchRun): { changes: Change[]; added: string[]; removed: string[] } {
  const old = new Map(figuresOf(before).map((f) => [f.id, f]));
  const now = figuresOf(after);
  const changes: Change[] = [];
  for (const f of now) {
    const previous = old.get(f.id);
    if (!previous) continue;
    const [a, b] = [compared(previous), compared(f)];
    if (a.on !== b.on || a.value === 0) continue;
    const change = b.value / a.value - 1;
    const direction = change === 0 ? 'same' : (change > 0) === (b.better === 'higher') ? 'better' : 'worse';
    changes.push({ id: f.id, title: f.title, on: b.on, before: a.text, after: b.text, change, direction, regression: isWorseBy(a.value, b.value, b.better) });
  }
  return {
    changes,
    added: now.filter((f) => !old.has(f.id)).map((f) => f.id),
    removed: [...old.keys()].filter((id) => !now.some((f) => f.id === id)),
  };
}

function isWorseBy(before: number, after: number, better: 'lower' | 'higher'): boolean {
  return better === 'lower' ? after > before * (1 + REGRESSION_THRESHOLD) : after < before * (1 - REGRESSION_THRESHOLD);
}
