// make lint: every workspace (shared, services/*) declares in its own package.json each package its code imports, so a
// workspace builds and deploys on its own (npm ci --workspace … installs only what it declares). Test files may also use
// the repository's own devDependencies (vitest, the test harness's tools).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string> | string>;
const declared = (pkg: Record<string, Record<string, string> | string>) =>
  new Set(['dependencies', 'devDependencies', 'peerDependencies'].flatMap((field) => Object.keys((pkg[field] as Record<string, string> | undefined) ?? {})));
const rootPackage = readJson(join(root, 'package.json'));
const rootDeclared = declared(rootPackage);
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx)$/.test(entry) && !entry.endsWith('.d.ts')) yield path;
  }
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

const workspaces = ['shared', ...readdirSync(join(root, 'services')).map((name) => `services/${name}`)];
const problems: string[] = [];
for (const workspace of workspaces) {
  const pkg = readJson(join(root, workspace, 'package.json'));
  const own = declared(pkg);
  for (const file of sourceFiles(join(root, workspace))) {
    const isTest = /\.test\.tsx?$/.test(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (!specifier || specifier.startsWith('.') || specifier.startsWith('/') || builtins.has(specifier) || builtins.has(packageOf(specifier))) continue;
      const name = packageOf(specifier);
      if (name === pkg.name || own.has(name)) continue;
      if (isTest && rootDeclared.has(name)) continue;
      problems.push(`${relative(root, file)}: imports ${name}, which ${workspace}/package.json does not declare`);
    }
  }
}
if (problems.length) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
console.log(`workspace dependencies: ${workspaces.length} workspaces declare every package they import`);
