import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { committedResults, resultsFiles } from './history.js';

describe('results history', () => {
  const root = mkdtempSync(join(tmpdir(), 'bench-history-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root, stdio: 'ignore' });
  const write = (name: string, content: string) => writeFileSync(join(root, 'bench', 'results', name), content);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists full and quick results apart, oldest first, and knows which are committed', () => {
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    git('init', '-q');
    write('2026-11-20.json', '{"n":1}');
    write('2026-11-21-quick.json', '{"n":2}');
    write('2026-11-21-quick-latency.svg', '<svg/>');
    git('add', '.');
    git('commit', '-qm', 'one');
    write('2026-11-22.json', '{"n":3}');

    expect(resultsFiles(root, 'full').map((f) => f.slice(root.length + 1))).toEqual(['bench/results/2026-11-20.json', 'bench/results/2026-11-22.json']);
    expect(resultsFiles(root, 'quick').map((f) => f.slice(root.length + 1))).toEqual(['bench/results/2026-11-21-quick.json']);
    expect(committedResults(root, 'full')).toEqual([['bench/results/2026-11-20.json', '{"n":1}']]);
    expect(committedResults(root, 'quick')).toEqual([['bench/results/2026-11-21-quick.json', '{"n":2}']]);
  });

  it('finds nothing where there is no results folder or no repository', () => {
    const empty = mkdtempSync(join(tmpdir(), 'bench-history-empty-'));
    expect(resultsFiles(empty, 'full')).toEqual([]);
    expect(committedResults(empty, 'full')).toEqual([]);
    rmSync(empty, { recursive: true, force: true });
  });
});
