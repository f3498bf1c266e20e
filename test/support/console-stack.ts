import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../../deploy/dev/chromium.js';
import { buildConsole } from '../../deploy/dev/console.js';
import { freePort } from '../../deploy/dev/nats-server.js';
import { ensureNginx, startGateway, type NginxHandle } from '../../deploy/dev/nginx.js';
import type { GatewayService } from '../../deploy/nginx/gateway-config.js';
import { startEveryService, type EveryService } from './harness.js';

/**
 * Where the browser tests put their screenshots: .screenshots/ (not committed), so a test run leaves the tree as it was;
 * `make screenshots` renews the committed ones in docs/screenshots (linked from the README) with SCREENSHOT_DIR.
 */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? fileURLToPath(new URL('../../.screenshots', import.meta.url));

export interface ConsoleStack {
  services: EveryService;
  gateway: NginxHandle;
  /** The console and every API, as a browser sees them: one origin. */
  url: string;
  browser: Browser;
  close: () => Promise<void>;
}

/** Every service, the console built from its sources, nginx serving both, and Debian's Chromium driven by Playwright. */
export async function startConsoleStack(): Promise<ConsoleStack> {
  const executablePath = ensureChromium(() => undefined);
  const nginx = ensureNginx(() => undefined);
  const consoleRoot = await buildConsole(mkdtempSync(join(tmpdir(), 'console-dist-')));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Links in invitations and share answers point at the gateway, as they do in make dev.
  const services = await startEveryService({ APP_URL: url }, { sharing: { PUBLIC_URL: `${url}/sharing` } });
  const hostOf = (serviceUrl: string) => new URL(serviceUrl).host;
  const upstreams = Object.fromEntries(
    (['identity', 'tenancy', 'sharing', 'audit', 'authz'] as const).map((name) => [name, [hostOf(services[name].url)]]),
  ) as Record<GatewayService, string[]>;
  const gateway = await startGateway({ binary: nginx, dir: mkdtempSync(join(tmpdir(), 'console-gw-')), listen: `127.0.0.1:${port}`, upstreams, consoleRoot, workerProcesses: 1 });
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  return {
    services,
    gateway,
    url,
    browser,
    close: async () => {
      await browser.close();
      await gateway.stop();
      await services.close();
    },
  };
}

/** A full-page screenshot into SCREENSHOT_DIR/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
