import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The admin console's workspace and where its build lands (the gateway serves it at `/`). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../services/console', import.meta.url));
export const CONSOLE_DIST = resolve(CONSOLE_DIR, 'dist');
const VITE = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

/**
 * Builds the console with Vite (a few seconds): `make dev` and the browser tests always serve the current sources.
 * In a process of its own with NODE_ENV=production: under a test runner's NODE_ENV=test the React plugin would emit
 * development JSX that production React cannot run.
 */
export async function buildConsole(outDir = CONSOLE_DIST): Promise<string> {
  const result = spawnSync(process.execPath, [VITE, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: CONSOLE_DIR,
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`the console did not build:\n${result.stdout}${result.stderr}`);
  return outDir;
}
