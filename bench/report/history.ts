// Earlier results: the files in bench/results, and what git holds of them (bench-compare compares against committed runs).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRun } from './results.js';

const isMode = (name: string, mode: BenchRun['mode']) => (mode === 'quick' ? /^\d{4}-\d{2}-\d{2}-quick\.json$/ : /^\d{4}-\d{2}-\d{2}\.json$/).test(name);

/** Results files of a mode on disk, oldest first (their names are dates). */
export function resultsFiles(root: string, mode: BenchRun['mode']): string[] {
  const dir = join(root, 'bench', 'results');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => isMode(name, mode)).sort().map((name) => join(dir, name));
}

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 2 ** 20 });
  } catch {
    return undefined;
  }
}

/** Committed results of a mode at HEAD, oldest first: [path relative to root, content]. */
export function committedResults(root: string, mode: BenchRun['mode']): [string, string][] {
  const listed = git(root, ['ls-tree', '--name-only', 'HEAD', 'bench/results/']) ?? '';
  return listed
    .split('\n')
    .filter((path) => isMode(path.split('/').pop() ?? '', mode))
    .sort()
    .map((path) => [path, git(root, ['show', `HEAD:${path}`]) ?? ''] as [string, string])
    .filter(([, content]) => content);
}
