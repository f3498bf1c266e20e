import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '@portcullis/shared/nats';
import { serverEnvironment } from '../nats/keys.js';
import { findNatsServerBinary, freePort, natsServerConfig, waitForPort, type NatsServerAuth } from './nats-server.js';

export interface NatsNode {
  name: string;
  url: string;
  stop: () => Promise<void>;
  start: () => Promise<void>;
}

export interface NatsCluster {
  nodes: NatsNode[];
  /** Every node's URL, comma-separated: a client fails over between them. */
  url: string;
  stop: () => Promise<void>;
}

/**
 * A JetStream cluster of `size` nats-server nodes on loopback (for the scale-out test): each node its own config,
 * client port, route port and store directory, all with the Portcullis authorization config. A stopped node can be
 * started again with its data.
 */
export async function startNatsCluster(options: { size: number; dir: string; name?: string; auth: NatsServerAuth }): Promise<NatsCluster> {
  const binary = findNatsServerBinary();
  if (!binary) throw new Error('nats-server is not installed (Debian: apt-get install nats-server)');
  const ports = await Promise.all(Array.from({ length: options.size }, async () => ({ client: await freePort(), route: await freePort() })));
  const clusterName = options.name ?? 'portcullis-test';
  const nodes = ports.map((port, index): NatsNode => {
    const name = `n${index}`;
    const store = join(options.dir, name);
    mkdirSync(store, { recursive: true });
    const configFile = join(options.dir, `${name}.conf`);
    const routes = ports.filter((_, other) => other !== index).map((p) => `nats-route://127.0.0.1:${p.route}`);
    writeFileSync(
      configFile,
      natsServerConfig({
        listen: `127.0.0.1:${port.client}`,
        storeDir: store,
        auth: options.auth,
        extra: [`server_name: ${name}`, `cluster { name: ${clusterName}, listen: 127.0.0.1:${port.route}, routes: [${routes.map((r) => `"${r}"`).join(', ')}] }`],
      }),
      { mode: 0o600 },
    );
    let child: ChildProcess | undefined;
    return {
      name,
      url: `nats://127.0.0.1:${port.client}`,
      async start() {
        child = spawn(binary, ['-c', configFile], { stdio: 'ignore', env: { ...process.env, ...serverEnvironment(options.auth.keys) } });
        await waitForPort('127.0.0.1', port.client);
      },
      async stop() {
        const running = child;
        if (!running || running.exitCode !== null || running.signalCode !== null) return;
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGKILL');
        await exited;
      },
    };
  });
  await Promise.all(nodes.map((node) => node.start()));
  const url = nodes.map((n) => n.url).join(',');
  await waitForJetStream(url, options.auth);
  return { nodes, url, stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))) };
}

/** Waits until the cluster has elected a JetStream meta leader (account info answers). */
async function waitForJetStream(url: string, auth: NatsServerAuth, timeoutMs = 20_000): Promise<void> {
  const nc = await connectNats({ url, name: 'cluster-check', user: 'operator', credentials: { NATS_NKEY_SEED: auth.keys.operator.seed } });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await (await jetstreamManager(nc)).getAccountInfo();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`JetStream cluster not ready: ${String(error)}`, { cause: error });
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await nc.close();
  }
}
