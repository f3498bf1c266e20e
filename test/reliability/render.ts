// make test-reliability, last step: RELIABILITY.md from the figures each suite wrote to .reliability/ in this run.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_DIR, type SuiteReport } from './support/report.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const reports = (existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR) : [])
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(join(RESULTS_DIR, name), 'utf8')) as SuiteReport & { finishedAt: string })
  .sort((a, b) => a.part - b.part || a.suite.localeCompare(b.suite));
if (!reports.length) {
  process.stderr.write('no suite figures in .reliability/: run make test-reliability\n');
  process.exit(2);
}
const cell = (value: unknown) => String(value).replace(/\|/g, '\\|');
const lines = [
  '# Reliability and security',
  '',
  'Written by `make test-reliability` (the suites in `test/reliability/`, also part of `make test`) from the figures each',
  'suite records while its assertions run: a suite that fails writes nothing new. Real Postgres, NATS, services and HTTP,',
  `as in every integration test. Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  '',
  '| part | suite | command | last run |',
  '|---|---|---|---|',
  ...reports.map((r) => `| ${r.part} | [${r.title}](#${r.suite}) | \`make test-reliability SUITE=${r.suite}\` | ${r.finishedAt} |`),
  '',
];
const attacks = reports.filter((r) => r.attack).sort((a, b) => a.attack!.finding - b.attack!.finding);
if (attacks.length) {
  lines.push(
    '## Attacks tried',
    '',
    'Each finding of the security review (issue 17), tried again through the real parts by its attack suite',
    '(`test/reliability/attacks/`); the threat model (`docs/threat-model.md`) names the control each one proves.',
    '',
    '| finding | attack suite | attempts | got in |',
    '|---|---|---|---|',
    ...attacks.map((r) => `| ${r.attack!.finding} | [${r.title}](#${r.suite}) | ${r.attack!.tried.toLocaleString('en')} | ${r.attack!.gotIn} |`),
    '',
  );
}
for (const r of reports) {
  const path = r.attack ? `test/reliability/attacks/${r.suite}.test.ts` : `test/reliability/${r.suite}.test.ts`;
  lines.push(`<a id="${r.suite}"></a>`, `## ${r.part}. ${r.title}`, '', `\`${path}\` — reproduce with \`make test-reliability SUITE=${r.suite}\`.`, '');
  lines.push('| figure | value | expected |', '|---|---|---|');
  for (const f of r.figures) lines.push(`| ${cell(f.name)} | ${cell(typeof f.value === 'number' ? f.value.toLocaleString('en') : f.value)} | ${f.expected ? `${cell(f.expected)}${f.ok === false ? ' — **NOT MET**' : ''}` : 'reported'} |`);
  lines.push('');
  if (r.notes) lines.push(r.notes.trim(), '');
}
writeFileSync(join(root, 'RELIABILITY.md'), `${lines.join('\n').trimEnd()}\n`);
process.stdout.write(`RELIABILITY.md: ${reports.length} suites\n`);
