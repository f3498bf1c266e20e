import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Result {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

const FILE = new URL('../../BENCHMARKS.md', import.meta.url);

const HEADER = [
  '# Benchmarks',
  '',
  'Written by `make bench`: each `bench/*.bench.ts` runs under `deploy/dev/with-infra.ts` and rewrites its own section',
  'below. Postgres and NATS on loopback. Numbers are from one run; rerun to compare.',
  '',
].join('\n');

/** Replaces this benchmark's section of BENCHMARKS.md (between its markers), keeping the others; prints the results. */
export function writeSection(id: string, title: string, command: string, results: Result[], notes = ''): void {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const body = [
    `<!-- section:${id} -->`,
    `## ${title}`,
    '',
    `\`${command}\` — last run ${new Date().toISOString()} on ${machine}.`,
    '',
    '| measure | result | target | met |',
    '|---|---|---|---|',
    ...results.map((r) => `| ${r.name} | ${r.value} | ${r.target} | ${r.ok ? 'yes' : '**no**'} |`),
    '',
    ...(notes ? [notes.trim(), ''] : []),
    `<!-- /section:${id} -->`,
  ].join('\n');
  let text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '';
  if (!text.startsWith('# Benchmarks') || !text.includes('<!-- section:')) text = HEADER;
  const pattern = new RegExp(`<!-- section:${id} -->[\\s\\S]*?<!-- /section:${id} -->`);
  text = pattern.test(text) ? text.replace(pattern, body) : `${text.trimEnd()}\n\n${body}\n`;
  writeFileSync(FILE, text.endsWith('\n') ? text : `${text}\n`);
  for (const r of results) console.log(`${r.ok ? 'ok  ' : 'MISS'} ${r.name}: ${r.value} (target ${r.target})`);
}
