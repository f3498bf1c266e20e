// npm run deploy:manifests — rewrites deploy/k8s/base/*, deploy/docker/*.Dockerfile, deploy/compose.yaml and
// deploy/nginx/compose.conf from deploy/k8s/manifests.ts and deploy/nginx/gateway-config.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONSOLE_ROOT, GATEWAY_SERVICES, renderGatewayConfig, type GatewayService } from '../nginx/gateway-config.js';
import { compose, composeNatsServerConfig, dockerfile, gatewayDockerfile, kustomization, migrateJob, serviceManifests, SERVICES, sharedConfig, toolsDockerfile } from './manifests.js';

/** Every generated file: path (from the repository root) → content. */
export function deploymentFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'deploy/k8s/base/kustomization.yaml': kustomization(),
    'deploy/k8s/base/config.yaml': sharedConfig(),
    'deploy/k8s/base/migrate.yaml': migrateJob(),
    'deploy/docker/tools.Dockerfile': toolsDockerfile(),
    'deploy/docker/gateway.Dockerfile': gatewayDockerfile(),
    'deploy/compose.yaml': compose(),
    'deploy/nats/compose-server.conf': composeNatsServerConfig(),
    'deploy/nginx/compose.conf': renderGatewayConfig({
      listen: '8080',
      upstreams: Object.fromEntries(GATEWAY_SERVICES.map((name) => [name, [`${name}:${SERVICES.find((s) => s.name === name)!.port}`]])) as Record<GatewayService, string[]>,
      consoleRoot: DEFAULT_CONSOLE_ROOT,
    }),
  };
  for (const spec of SERVICES) {
    files[`deploy/k8s/base/${spec.name}.yaml`] = serviceManifests(spec);
    files[`deploy/docker/${spec.name}.Dockerfile`] = dockerfile(spec);
  }
  return files;
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  for (const [path, content] of Object.entries(deploymentFiles())) {
    mkdirSync(`${root}${path}`.replace(/\/[^/]+$/, ''), { recursive: true });
    writeFileSync(`${root}${path}`, content);
    process.stderr.write(`wrote ${path}\n`);
  }
}
