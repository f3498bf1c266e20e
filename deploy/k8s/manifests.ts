// Kubernetes manifests (kustomize), Dockerfiles and deploy/compose.yaml, rendered from one description of the
// services so they cannot drift apart. `npm run deploy:manifests` rewrites them; a test checks the committed files.
import { stringify } from 'yaml';
import { nkeyVariable, renderNatsAuthConfig } from '../nats/auth-config.js';
import { seedSecretKey, seedVariable } from '../nats/keys.js';
import { NATS_USERS, type NatsUser } from '../nats/permissions.js';
import { DEFAULT_CONSOLE_ROOT } from '../nginx/gateway-config.js';

export interface ServiceSpec {
  name: 'identity' | 'tenancy' | 'sharing' | 'audit' | 'authz';
  port: number;
  /** Settings beyond the shared ones (env name → value, or a secret key). */
  env: Record<string, string | { secret: string }>;
  minReplicas: number;
  maxReplicas: number;
}

export const SERVICES: ServiceSpec[] = [
  { name: 'identity', port: 4001, env: { ISSUER: 'https://auth.example.com/identity', KEY_ENCRYPTION_SECRET: { secret: 'key-encryption-secret' } }, minReplicas: 2, maxReplicas: 6 },
  { name: 'tenancy', port: 4002, env: { IDENTITY_JWKS_URL: 'http://identity:4001/.well-known/jwks.json', TOKEN_ISSUER: 'https://auth.example.com/identity', APP_URL: 'https://app.example.com' }, minReplicas: 2, maxReplicas: 6 },
  { name: 'sharing', port: 4003, env: { IDENTITY_JWKS_URL: 'http://identity:4001/.well-known/jwks.json', TOKEN_ISSUER: 'https://auth.example.com/identity', PUBLIC_URL: 'https://auth.example.com/sharing', GRANT_TOKEN_ISSUER: 'https://auth.example.com/sharing', KEY_ENCRYPTION_SECRET: { secret: 'key-encryption-secret' } }, minReplicas: 2, maxReplicas: 10 },
  { name: 'audit', port: 4004, env: { IDENTITY_JWKS_URL: 'http://identity:4001/.well-known/jwks.json', TOKEN_ISSUER: 'https://auth.example.com/identity' }, minReplicas: 2, maxReplicas: 4 },
  { name: 'authz', port: 4005, env: { IDENTITY_JWKS_URL: 'http://identity:4001/.well-known/jwks.json', TOKEN_ISSUER: 'https://auth.example.com/identity', SHARING_JWKS_URL: 'http://sharing:4003/.well-known/jwks.json', GRANT_TOKEN_ISSUER: 'https://auth.example.com/sharing' }, minReplicas: 2, maxReplicas: 10 },
];

/** What every service gets: the external Postgres and NATS (JetStream, 3 replicas) from the shared secret and config. */
const SHARED_ENV = [
  { name: 'NODE_ENV', value: 'production' },
  { name: 'LOG_LEVEL', value: 'info' },
  { name: 'HOST', value: '0.0.0.0' },
  { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'portcullis', key: 'database-url' } } },
  { name: 'NATS_URL', valueFrom: { configMapKeyRef: { name: 'portcullis', key: 'nats-url' } } },
];

/** A service's own NATS user: its seed from the portcullis-nats-seeds Secret (npm run nats:keys -- --k8s makes it). */
const natsSeed = (user: NatsUser) => ({ name: 'NATS_NKEY_SEED', valueFrom: { secretKeyRef: { name: 'portcullis-nats-seeds', key: seedSecretKey(user) } } });

const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'portcullis' });

function deployment(spec: ServiceSpec) {
  const env = [
    ...SHARED_ENV,
    natsSeed(spec.name),
    { name: 'PORT', value: String(spec.port) },
    ...Object.entries(spec.env).map(([name, value]) =>
      typeof value === 'string' ? { name, value } : { name, valueFrom: { secretKeyRef: { name: 'portcullis', key: value.secret } } },
    ),
  ];
  const probe = (path: string, period: number) => ({ httpGet: { path, port: 'http' }, periodSeconds: period, timeoutSeconds: 2, failureThreshold: 3 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.name, labels: labels(spec.name) },
    spec: {
      replicas: spec.minReplicas,
      selector: { matchLabels: labels(spec.name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(spec.name) },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: spec.name,
              image: `ghcr.io/portcullis/${spec.name}:0.1.0`,
              ports: [{ name: 'http', containerPort: spec.port }],
              env,
              // /healthz: the process is alive. /readyz: its Postgres, NATS and policy are fresh (503 otherwise).
              livenessProbe: probe('/healthz', 10),
              readinessProbe: probe('/readyz', 5),
              startupProbe: { ...probe('/healthz', 2), failureThreshold: 30 },
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}

const service = (spec: ServiceSpec) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: spec.name, labels: labels(spec.name) },
  spec: { selector: labels(spec.name), ports: [{ name: 'http', port: spec.port, targetPort: 'http' }] },
});

const disruptionBudget = (spec: ServiceSpec) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: spec.name, labels: labels(spec.name) },
  spec: { minAvailable: 1, selector: { matchLabels: labels(spec.name) } },
});

const autoscaler = (spec: ServiceSpec) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: spec.name, labels: labels(spec.name) },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name },
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
  },
});

export function serviceManifests(spec: ServiceSpec): string {
  return [deployment(spec), service(spec), disruptionBudget(spec), autoscaler(spec)].map((doc) => stringify(doc)).join('---\n');
}

export function kustomization(): string {
  return stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    labels: [{ pairs: { 'app.kubernetes.io/part-of': 'portcullis' } }],
    resources: ['config.yaml', 'migrate.yaml', ...SERVICES.map((s) => `${s.name}.yaml`)],
  });
}

/**
 * The services do not change the schema at start: this Job applies every service's migrations and loads
 * policies/policy.csv (policy apply), once per release, before the new pods roll out.
 */
export function migrateJob(): string {
  return stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'portcullis-migrate', labels: labels('migrate') },
    spec: {
      backoffLimit: 3,
      template: {
        metadata: { labels: labels('migrate') },
        spec: {
          restartPolicy: 'OnFailure',
          securityContext: { runAsNonRoot: true, runAsUser: 10001 },
          containers: [
            {
              name: 'migrate',
              image: 'ghcr.io/portcullis/tools:0.1.0',
              command: ['sh', '-c', 'node --import tsx deploy/dev/migrate.ts && node --import tsx services/authz/src/cli/policy.ts apply'],
              // policy apply announces the new version as authz does.
              env: [...SHARED_ENV, natsSeed('authz')],
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
            },
          ],
        },
      },
    },
  });
}

/**
 * The settings every service reads; the secret's values are placeholders to replace (or manage with your secret store).
 * The NATS users' keys are not here: `npm run nats:keys -- --k8s` makes the portcullis-nats-server Secret (public keys,
 * for the NATS server's environment) and portcullis-nats-seeds (each service's seed). The NATS server includes the
 * authorization config from the portcullis-nats-auth ConfigMap.
 */
export function sharedConfig(): string {
  return [
    stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'portcullis' }, data: { 'nats-url': 'nats://nats-0.nats:4222,nats://nats-1.nats:4222,nats://nats-2.nats:4222' } }),
    stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'portcullis-nats-auth' }, data: { 'portcullis-auth.conf': renderNatsAuthConfig() } }),
    stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'portcullis' },
      type: 'Opaque',
      stringData: { 'database-url': 'postgres://portcullis:CHANGE-ME@postgres:5432/portcullis?sslmode=require', 'key-encryption-secret': 'CHANGE-ME-at-least-32-characters-of-randomness' },
    }),
  ].join('---\n');
}

/** Multi-stage: dependencies installed without dev ones, then the source; runs as a non-root user. */
export function dockerfile(spec: ServiceSpec): string {
  return `# Portcullis ${spec.name}: generated by deploy/k8s/manifests.ts. Build from the repository root:
#   docker build -f deploy/docker/${spec.name}.Dockerfile -t portcullis/${spec.name} .
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/${spec.name}/package.json services/${spec.name}/
RUN npm ci --omit=dev --workspace shared --workspace services/${spec.name} --include-workspace-root

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY package.json tsconfig.json ./
COPY shared shared
COPY policies policies
COPY services/${spec.name} services/${spec.name}
RUN groupadd --gid 10001 portcullis && useradd --uid 10001 --gid portcullis --no-create-home portcullis
USER 10001
EXPOSE ${spec.port}
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:${spec.port}/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "--import", "tsx", "services/${spec.name}/src/main.ts"]
`;
}

/** The tools image (migrations, the policy and audit commands): the whole repository with its production dependencies. */
export function toolsDockerfile(): string {
  return `# Portcullis tools (migrations, npm run policy, npm run audit): generated by deploy/k8s/manifests.ts.
#   docker build -f deploy/docker/tools.Dockerfile -t portcullis/tools .
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY . .
RUN npm ci --omit=dev && groupadd --gid 10001 portcullis && useradd --uid 10001 --gid portcullis --no-create-home portcullis
USER 10001
CMD ["node", "--import", "tsx", "deploy/dev/migrate.ts"]
`;
}

/** The gateway image: nginx with deploy/nginx/compose.conf and the admin console built from services/console. */
export function gatewayDockerfile(): string {
  return `# Portcullis gateway (nginx + the admin console): generated by deploy/k8s/manifests.ts.
#   docker build -f deploy/docker/gateway.Dockerfile -t portcullis/gateway .
FROM node:20-bookworm-slim AS console
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && NODE_ENV=production node node_modules/vite/bin/vite.js build services/console --outDir /console --emptyOutDir

FROM nginx:1.27
COPY deploy/nginx/compose.conf /etc/nginx/nginx.conf
COPY --from=console /console ${DEFAULT_CONSOLE_ROOT}
`;
}

/** For people with Docker: Postgres, NATS with JetStream, the five services and the nginx gateway. */
export function compose(): string {
  const common = { restart: 'unless-stopped' };
  const services: Record<string, unknown> = {
    postgres: {
      image: 'postgres:16',
      environment: { POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: 'postgres', POSTGRES_DB: 'portcullis' },
      healthcheck: { test: ['CMD', 'pg_isready', '-U', 'postgres'], interval: '2s', retries: 30 },
      volumes: ['pg:/var/lib/postgresql/data'],
    },
    // The committed authorization config; the users' public keys come from deploy/.env (npm run nats:keys -- --env).
    nats: {
      image: 'nats:2.10',
      command: ['-c', '/etc/nats/server.conf'],
      volumes: ['nats:/data', './nats/compose-server.conf:/etc/nats/server.conf:ro', './nats/portcullis-auth.conf:/etc/nats/portcullis-auth.conf:ro'],
      environment: Object.fromEntries(NATS_USERS.map((user) => [nkeyVariable(user), required(nkeyVariable(user))])),
    },
  };
  services.migrate = {
    build: { context: '..', dockerfile: 'deploy/docker/tools.Dockerfile' },
    command: ['sh', '-c', 'node --import tsx deploy/dev/migrate.ts && node --import tsx services/authz/src/cli/policy.ts apply'],
    environment: { DATABASE_URL: 'postgres://postgres:postgres@postgres:5432/portcullis', NATS_URL: 'nats://nats:4222', NATS_NKEY_SEED: required(seedVariable('authz')) },
    depends_on: { postgres: { condition: 'service_healthy' }, nats: { condition: 'service_started' } },
  };
  for (const spec of SERVICES) {
    const env = Object.fromEntries(
      Object.entries(spec.env).map(([name, value]) => [name, typeof value === 'string' ? value.replace('https://auth.example.com', 'http://localhost:8080') : '${KEY_ENCRYPTION_SECRET:?set KEY_ENCRYPTION_SECRET (32+ characters)}']),
    );
    services[spec.name] = {
      ...common,
      build: { context: '..', dockerfile: `deploy/docker/${spec.name}.Dockerfile` },
      depends_on: { migrate: { condition: 'service_completed_successfully' } },
      environment: {
        NODE_ENV: 'production',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://postgres:postgres@postgres:5432/portcullis',
        NATS_URL: 'nats://nats:4222',
        NATS_NKEY_SEED: required(seedVariable(spec.name)),
        PORT: String(spec.port),
        ...env,
      },
    };
  }
  services.gateway = {
    build: { context: '..', dockerfile: 'deploy/docker/gateway.Dockerfile' },
    ports: ['8080:8080'],
    depends_on: SERVICES.map((s) => s.name),
  };
  return `# Portcullis with Docker Compose: generated by deploy/k8s/manifests.ts (npm run deploy:manifests).\n# npm run -s nats:keys -- --env > deploy/.env; echo KEY_ENCRYPTION_SECRET=$(openssl rand -base64 32) >> deploy/.env\n# docker compose -f deploy/compose.yaml up --build; the gateway (and the admin console at /) is on :8080\n${stringify({ name: 'portcullis', services, volumes: { pg: {}, nats: {} } })}`;
}

/** A compose variable that must be set (docker compose refuses to start without it, saying how to make it). */
function required(variable: string): string {
  return `\${${variable}:?run: npm run -s nats:keys -- --env > deploy/.env}`;
}

/** The NATS server's config under compose: JetStream in /data and the Portcullis authorization config beside it. */
export function composeNatsServerConfig(): string {
  return ['# Portcullis NATS under Docker Compose: generated by deploy/k8s/manifests.ts.', 'listen: 0.0.0.0:4222', 'jetstream { store_dir: /data }', 'include ./portcullis-auth.conf', ''].join('\n');
}
