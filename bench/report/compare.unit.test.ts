import { describe, expect, it } from 'vitest';
import { compareRuns } from './compare.js';
import { sampleRun } from './fixtures/run.js';

describe('bench-compare', () => {
  it('compares figures with a baseline on their ratio, so a slower machine alone is no regression', () => {
    const before = sampleRun();
    const after = sampleRun({ throughput: [350, 375, 400], bare: [4000, 4000, 4000] });
    const change = compareRuns(before, after).changes.find((c) => c.id === 'sample.resolve-throughput')!;
    expect(change.on).toBe('ratio');
    expect(change.change).toBeCloseTo(0, 10);
    expect(change.regression).toBe(false);
  });

  it('flags a higher-is-better ratio that fell by more than 20%', () => {
    const change = compareRuns(sampleRun(), sampleRun({ throughput: [500, 550, 600] })).changes.find((c) => c.id === 'sample.resolve-throughput')!;
    expect(change.direction).toBe('worse');
    expect(change.change).toBeCloseTo(550 / 750 - 1, 10);
    expect(change.regression).toBe(true);
  });

  it('flags a lower-is-better figure that grew by more than 20%, and not one that grew by less', () => {
    const worse = compareRuns(sampleRun(), sampleRun({ p99: [14, 14, 14] })).changes.find((c) => c.id === 'sample.query-p99')!;
    expect(worse.regression).toBe(true);
    const slightly = compareRuns(sampleRun(), sampleRun({ p99: [13, 13, 13] })).changes.find((c) => c.id === 'sample.query-p99')!;
    expect(slightly.direction).toBe('worse');
    expect(slightly.regression).toBe(false);
  });

  it('calls an improvement better, compares a figure without a baseline on its value, and lists added and removed figures', () => {
    const before = sampleRun();
    const after = sampleRun({ p99: [5, 5, 5] });
    after.parts[0].figures = after.parts[0].figures.filter((f) => f.id !== 'sample.argon2id');
    after.parts[0].figures.push({ ...before.parts[0].figures[2], id: 'sample.new' });
    const result = compareRuns(before, after);
    expect(result.changes.find((c) => c.id === 'sample.query-p99')!.direction).toBe('better');
    expect(result.added).toEqual(['sample.new']);
    expect(result.removed).toEqual(['sample.argon2id']);
    const argon = compareRuns(before, sampleRun()).changes.find((c) => c.id === 'sample.argon2id')!;
    expect(argon.on).toBe('value');
  });
});
