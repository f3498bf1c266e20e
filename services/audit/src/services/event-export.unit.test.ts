import { describe, expect, it } from 'vitest';
import { inertCell } from './event-export.js';

describe('a CSV cell', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `'\rcmd`],
  ])('that a spreadsheet would run (%j) stays text', (value, expected) => {
    expect(inertCell(value)).toBe(expected);
  });

  it.each(['curl/8.0', '2026-12-01T00:00:00Z', '10.0.0.1', '{"id":"x"}', ''])('that is plain text (%j) is kept as it is', (value) => {
    expect(inertCell(value)).toBe(value);
  });

  it('that is not text is kept as it is', () => {
    expect(inertCell(42)).toBe(42);
    expect(inertCell({ a: 1 })).toEqual({ a: 1 });
  });
});
