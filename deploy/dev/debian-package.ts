import { spawnSync } from 'node:child_process';

/**
 * The binary `find` locates, installing Debian's `pkg` with apt-get first when it is missing and we are root.
 * Throws `unavailable(message)` when it cannot be had, with the message saying how to install it by hand.
 */
export function ensureDebianBinary(options: {
  pkg: string;
  find: () => string | undefined;
  log: (line: string) => void;
  /** What to do instead, for the message when we may not install (e.g. "set NATS_URL to a running server"). */
  alternative: string;
  unavailable: (message: string) => Error;
}): string {
  const found = options.find();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw options.unavailable(`${options.pkg} is not installed. Install it with \`sudo apt-get install ${options.pkg}\`, or ${options.alternative}.`);
  }
  options.log(`${options.pkg} is missing; installing the Debian package (apt-get install ${options.pkg})…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', options.pkg], { stdio: 'inherit', env });
  let result = install();
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    result = install();
  }
  const installed = options.find();
  if (result.status !== 0 || !installed) throw options.unavailable(`apt-get could not install ${options.pkg}; install it by hand, or ${options.alternative}.`);
  return installed;
}
