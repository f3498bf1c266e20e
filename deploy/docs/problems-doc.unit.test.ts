import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROBLEMS, problemType, type ProblemCode } from '@portcullis/shared/contracts';
import { renderProblemsDoc } from './problems-doc.js';

describe('docs/problems.md', () => {
  it('is generated from the catalogue and the routers (npm run docs:problems)', () => {
    expect(readFileSync(fileURLToPath(new URL('../../docs/problems.md', import.meta.url)), 'utf8')).toBe(renderProblemsDoc());
  });

  it('gives every problem a distinct, stable type URI', () => {
    const types = (Object.keys(PROBLEMS) as ProblemCode[]).map(problemType);
    expect(new Set(types).size).toBe(types.length);
    expect(problemType('last-admin')).toMatch(/\/problems\/last-admin$/);
  });
});
