import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { renderNatsAuthConfig } from '../nats/auth-config.js';
import { serverEnvironment, type NatsKeys } from '../nats/keys.js';
import type { NatsAuthOptions } from '../nats/permissions.js';

export interface NatsServerHandle {
  url: string;
  port: number;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** The nats-server binary on PATH or where Debian puts it; undefined when not installed. */
export function findNatsServerBinary(): string | undefined {
  for (const candidate of [process.env.NATS_SERVER_BIN, '/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when something accepts TCP connections on host:port, or rejects after `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.setTimeout(500);
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => { socket.destroy(); resolve(false); });
      socket.once('timeout', () => { socket.destroy(); resolve(false); });
      socket.connect(port, host);
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing is listening on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The authorization a server enforces: the users' keys and what the rendered config is told about subjects. */
export interface NatsServerAuth {
  keys: NatsKeys;
  options?: NatsAuthOptions;
}

/**
 * The server config: listen address, JetStream storage and the Portcullis authorization (anonymous clients refused).
 * `extra` lines are added as they are (a cluster block, a server name).
 */
export function natsServerConfig(options: { listen: string; storeDir: string; auth: NatsServerAuth; extra?: string[] }): string {
  return [
    `listen: ${options.listen}`,
    `jetstream { store_dir: ${JSON.stringify(options.storeDir)} }`,
    ...(options.extra ?? []),
    renderNatsAuthConfig(options.auth.options),
  ].join('\n');
}

/**
 * Starts `nats-server` with JetStream on 127.0.0.1:`port`, storing data in `storeDir`, with the Portcullis authorization
 * config (every client needs its NKey). Restarting with the same arguments keeps the data.
 */
export async function startNatsServer(options: { port: number; storeDir: string; auth: NatsServerAuth; binary?: string }): Promise<NatsServerHandle> {
  const binary = options.binary ?? findNatsServerBinary();
  if (!binary) throw new Error('nats-server is not installed (Debian: apt-get install nats-server)');
  mkdirSync(options.storeDir, { recursive: true });
  const configFile = join(options.storeDir, 'nats-server.conf');
  // PORTCULLIS_NATS_LOG=<file>: the server's log (permission violations name the user and subject).
  const log = process.env.PORTCULLIS_NATS_LOG ? [`log_file: ${JSON.stringify(process.env.PORTCULLIS_NATS_LOG)}`] : [];
  writeFileSync(configFile, natsServerConfig({ listen: `127.0.0.1:${options.port}`, storeDir: options.storeDir, auth: options.auth, extra: log }), { mode: 0o600 });
  const child = spawn(binary, ['-c', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...serverEnvironment(options.auth.keys) },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => { stderr = (stderr + String(chunk)).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForPort('127.0.0.1', options.port),
      exited.then(() => { throw new Error(`nats-server exited early: ${stderr}`); }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${options.port}`,
    port: options.port,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
