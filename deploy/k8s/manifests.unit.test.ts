import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { SERVICES } from './manifests.js';
import { deploymentFiles } from './write-manifests.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const docsOf = (path: string): Doc[] => parseAllDocuments(read(path)).map((d) => d.toJS());

describe('deployment files', () => {
  it('are committed exactly as rendered (npm run deploy:manifests rewrites them)', () => {
    for (const [path, content] of Object.entries(deploymentFiles())) expect(read(path), path).toBe(content);
  });

  it('give every service a Deployment with probes, requests and a non-root user, a Service, a PodDisruptionBudget and an HPA', () => {
    const kustomization = parse(read('deploy/k8s/base/kustomization.yaml'));
    for (const resource of kustomization.resources) expect(existsSync(`${root}deploy/k8s/base/${resource}`), resource).toBe(true);
    for (const spec of SERVICES) {
      const docs = docsOf(`deploy/k8s/base/${spec.name}.yaml`);
      const byKind = Object.fromEntries(docs.map((d) => [d.kind, d]));
      expect(Object.keys(byKind).sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']);
      for (const doc of docs) expect(doc.apiVersion && doc.metadata?.name, `${spec.name} ${doc.kind}`).toBeTruthy();
      const deployment = byKind.Deployment;
      expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
      const [container] = deployment.spec.template.spec.containers;
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.resources.requests.cpu && container.resources.requests.memory).toBeTruthy();
      expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      expect(container.ports[0].containerPort).toBe(spec.port);
      const env = Object.fromEntries(container.env.map((e: Doc) => [e.name, e]));
      for (const name of ['DATABASE_URL', 'NATS_URL', 'PORT', 'NODE_ENV']) expect(env[name], `${spec.name} ${name}`).toBeTruthy();
      // Its own NATS user: the seed from the secret npm run nats:keys -- --k8s makes.
      expect(env.NATS_NKEY_SEED.valueFrom.secretKeyRef).toEqual({ name: 'portcullis-nats-seeds', key: `${spec.name}-seed` });
      expect(byKind.Service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
      expect(byKind.PodDisruptionBudget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(byKind.HorizontalPodAutoscaler.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: spec.name });
      expect(byKind.HorizontalPodAutoscaler.spec.minReplicas).toBeGreaterThanOrEqual(2);
    }
    // Whatever a Deployment reads from the shared secret, the secret defines.
    const secret = docsOf('deploy/k8s/base/config.yaml').find((d) => d.kind === 'Secret');
    for (const spec of SERVICES) {
      for (const value of Object.values(spec.env)) if (typeof value !== 'string') expect(secret.stringData[value.secret]).toBeTruthy();
    }
  });

  it('build each service in two stages, production dependencies only, running as a non-root user', () => {
    for (const spec of SERVICES) {
      const dockerfile = read(`deploy/docker/${spec.name}.Dockerfile`);
      expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
      expect(dockerfile).toContain('npm ci --omit=dev');
      expect(dockerfile).toMatch(/^USER 10001$/m);
    }
  });

  it('compose the whole system for Docker users: Postgres, NATS with JetStream, migrations, every service and the gateway', () => {
    const composeFile = parse(read('deploy/compose.yaml'));
    expect(Object.keys(composeFile.services).sort()).toEqual(['audit', 'authz', 'gateway', 'identity', 'migrate', 'nats', 'postgres', 'sharing', 'tenancy']);
    // NATS under compose runs the committed authorization config, with JetStream; every service has its own NATS user.
    expect(composeFile.services.nats.command).toEqual(['-c', '/etc/nats/server.conf']);
    expect(read('deploy/nats/compose-server.conf')).toMatch(/jetstream \{ store_dir: \/data \}\ninclude \.\/portcullis-auth\.conf/);
    expect(composeFile.services.nats.volumes).toContain('./nats/portcullis-auth.conf:/etc/nats/portcullis-auth.conf:ro');
    for (const spec of SERVICES) expect(composeFile.services[spec.name].environment.NATS_NKEY_SEED, spec.name).toMatch(/^\$\{PORTCULLIS_NATS_[A-Z]+_SEED:\?/);
    for (const spec of SERVICES) expect(composeFile.services[spec.name].depends_on.migrate.condition).toBe('service_completed_successfully');
    // The gateway image carries the console, built from services/console, where its nginx config serves it from.
    expect(composeFile.services.gateway.build.dockerfile).toBe('deploy/docker/gateway.Dockerfile');
    const root = /^\s*root (\S+);$/m.exec(read('deploy/nginx/compose.conf'))![1];
    const gatewayImage = read('deploy/docker/gateway.Dockerfile');
    expect(gatewayImage).toContain(`COPY --from=console /console ${root}`);
    expect(gatewayImage).toContain('vite.js build services/console');
  });
});
