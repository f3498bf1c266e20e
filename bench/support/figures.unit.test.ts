import { describe, expect, it } from 'vitest';
import { figure, formatRatio, formatValue, median, meets, percentile } from './figures.js';

describe('benchmark figures', () => {
  it('takes the median of an odd and an even number of rounds', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('reads nearest-rank percentiles from sorted samples', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('takes the ratio per round, then its median, so that a slow round slows measure and baseline alike', () => {
    const f = figure({
      id: 'x',
      issue: 9,
      title: 'x',
      measure: { name: 'm', unit: '/s', rounds: [100, 50, 120] },
      baseline: { name: 'b', unit: '/s', rounds: [200, 100, 200] },
      ratio: { text: 'of b', unit: '%' },
      better: 'higher',
      target: { text: '≥ 50%', on: 'ratio', op: '>=', threshold: 0.5 },
    });
    expect(f.ratio!.rounds).toEqual([0.5, 0.5, 0.6]);
    expect(f.ratio!.value).toBe(0.5);
    expect(f.measure.value).toBe(100);
    expect(f.met).toBe(true);
  });

  it('judges a target on the value or on the ratio, either way round', () => {
    const base = { measure: { name: 'm', unit: 'ms' as const, value: 30, rounds: [30] }, ratio: { value: 3, rounds: [3], text: '', unit: '×' as const, better: 'lower' as const } };
    expect(meets({ ...base, target: { text: '', on: 'value', op: '<=', threshold: 20 } })).toBe(false);
    expect(meets({ ...base, target: { text: '', on: 'value', op: '>=', threshold: 20 } })).toBe(true);
    expect(meets({ ...base, target: { text: '', on: 'ratio', op: '<=', threshold: 5 } })).toBe(true);
    expect(meets({ ...base })).toBeUndefined();
  });

  it('formats values and ratios in their units', () => {
    expect(formatValue(1234.6, '/s')).toBe('1,235/s');
    expect(formatValue(2.456, 'µs')).toBe('2.46 µs');
    expect(formatValue(23.61, 'ms')).toBe('23.6 ms');
    expect(formatRatio({ value: 0.713, unit: '%' })).toBe('71%');
    expect(formatRatio({ value: 58.4, unit: '×' })).toBe('58.4×');
  });
});
