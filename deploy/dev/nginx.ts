import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderGatewayConfig, type GatewayConfigOptions } from '../nginx/gateway-config.js';
import { ensureDebianBinary } from './debian-package.js';
import { waitForPort } from './nats-server.js';

export interface NginxHandle {
  url: string;
  stop: () => Promise<void>;
}

/** nginx on PATH or where Debian puts it; undefined when not installed. */
export function findNginx(): string | undefined {
  for (const candidate of [process.env.NGINX_BIN, '/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
}

/** nginx, installed from Debian's package first when missing and we are root. */
export function ensureNginx(log: (line: string) => void): string {
  return ensureDebianBinary({
    pkg: 'nginx',
    find: findNginx,
    log,
    alternative: 'put your own gateway in front of the services (deploy/nginx/portcullis.conf is a ready config)',
    unavailable: (message) => new Error(message),
  });
}

/**
 * Runs a gateway nginx of our own (not the system's service): its config, pid, logs and temp files live in `dir`,
 * it stays in the foreground as our child and stops with us.
 */
export async function startGateway(options: Omit<GatewayConfigOptions, 'runtimeDir' | 'runAsRoot'> & { dir: string; binary: string }): Promise<NginxHandle> {
  // nginx reads relative paths against its prefix: give it absolute ones.
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'nginx.conf');
  writeFileSync(configFile, renderGatewayConfig({ ...options, runtimeDir: dir, runAsRoot: process.getuid?.() === 0 }));
  const test = spawnSync(options.binary, ['-t', '-q', '-p', dir, '-c', configFile], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx rejected the gateway config: ${test.stderr}`);
  const child: ChildProcess = spawn(options.binary, ['-p', dir, '-c', configFile, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + String(chunk)).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const [host, port] = splitListen(options.listen);
  try {
    await Promise.race([waitForPort(host, port), exited.then(() => { throw new Error(`nginx exited early: ${stderr}`); })]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `http://${host}:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

function splitListen(listen: string): [string, number] {
  const match = /^(?:(.+):)?(\d+)$/.exec(listen);
  if (!match) throw new Error(`not a listen address: ${listen}`);
  return [match[1] ?? '127.0.0.1', Number(match[2])];
}
