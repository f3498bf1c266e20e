import { existsSync } from 'node:fs';
import { ensureDebianBinary } from './debian-package.js';

/** Debian's Chromium, for the console's browser tests; installed with apt-get first when missing and we are root. */
export function ensureChromium(log: (line: string) => void): string {
  return ensureDebianBinary({
    pkg: 'chromium',
    find: () => [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => path && existsSync(path)),
    log,
    alternative: 'set CHROMIUM_BIN to a Chromium or Chrome binary',
    unavailable: (message) => new Error(message),
  });
}

/**
 * Headless, and quiet on the network: this machine's network is closed, and without these flags Chromium keeps
 * trying to reach Google's services (component updates, sync, QUIC probes) at every start.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
