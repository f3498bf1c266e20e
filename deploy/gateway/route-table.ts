// The gateway's route table (policies/routes.yaml), generated from the services' routers: each route's declared
// access is the only place its permission is written. `npm run routes:table` writes it; `make lint` and a test fail
// when the committed file differs.
import { isOwnAccount, isPermission, type AccessGuards, type ApiRouter, type DocumentedRoute, type Operation } from '@portcullis/shared/http';
import { auditRouters } from '../../services/audit/src/routes/index.js';
import { forwardAuthRoutes } from '../../services/authz/src/routes/forward-auth.routes.js';
import { authzRouters } from '../../services/authz/src/routes/index.js';
import { identityRouters, identityWellKnown } from '../../services/identity/src/routes/index.js';
import { sharingRouters, sharingWellKnown } from '../../services/sharing/src/routes/index.js';
import { tenancyRouters } from '../../services/tenancy/src/routes/index.js';

/** Building a router calls no service and no guard: placeholders are enough to read its declarations. */
const placeholder = new Proxy({}, { get: () => () => undefined }) as never;
const noGuards: AccessGuards = () => [];

interface ServiceRoutes {
  service: string;
  routers: ApiRouter[];
  wellKnown: DocumentedRoute[];
}

export function serviceRoutes(): ServiceRoutes[] {
  return [
    { service: 'identity', routers: identityRouters(placeholder, noGuards), wellKnown: identityWellKnown },
    { service: 'tenancy', routers: tenancyRouters(placeholder, noGuards, false), wellKnown: [] },
    { service: 'sharing', routers: sharingRouters(placeholder, noGuards, { points: 1, windowMs: 1000 }), wellKnown: sharingWellKnown },
    { service: 'audit', routers: auditRouters(placeholder, noGuards, placeholder), wellKnown: [] },
    { service: 'authz', routers: [forwardAuthRoutes(placeholder, placeholder, placeholder, 'nginx'), ...authzRouters(placeholder, noGuards)], wellKnown: [] },
  ];
}

interface Tables {
  public: string[];
  authenticated: string[];
  grant_tokens: string[];
  routes: string[];
}

const line = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

function place(tables: Tables, service: string, { method, path, spec }: Operation): void {
  if (spec.gateway === 'not-routed') return;
  const full = `/${service}${path}`;
  const { access } = spec;
  if (access === 'public') tables.public.push(line(method, full));
  else if (access === 'authenticated' || isOwnAccount(access)) tables.authenticated.push(line(method, full));
  else if (access === 'grant-tokens') tables.grant_tokens.push(line(method, full));
  else if (isPermission(access)) {
    // Acting on oneself needs only to see the tenant: the service checks that (and its table entry comes first).
    if (access.self) tables.authenticated.push(line(method, full.replace(`:${access.self}`, 'me')));
    const tenant = access.tenant ? `, tenant: ${access.tenant}` : '';
    tables.routes.push(`{ method: ${method.toUpperCase()}, path: ${full}, object: ${access.object}, action: ${access.action}${tenant} }`);
  }
}

export function renderRouteTable(services = serviceRoutes()): string {
  const tables: Tables = { public: [], authenticated: [], grant_tokens: [], routes: [] };
  for (const { service, routers, wellKnown } of services) {
    for (const route of wellKnown) tables.public.push(line(route.method, `/${service}${route.path}`));
    tables.public.push(line('get', `/${service}/healthz`));
    for (const operation of routers.flatMap((router) => router.operations)) place(tables, service, operation);
  }
  const list = (entries: string[], quote: boolean) => entries.map((entry) => `  - ${quote ? JSON.stringify(entry).replace(/^"|"$/g, '') : entry}`).join('\n');
  return [
    "# The gateway's route table for forward-auth (GET /authz/v1/forward-auth): what each client call needs.",
    '# GENERATED from the services\' routers by `npm run routes:table` — a route\'s `access` in its spec is where its',
    '# permission is written; change it there. `make lint` fails when this file differs from the routers.',
    '#',
    '# Paths are as clients send them to the gateway (with the service prefix). `:name` matches one segment. First match',
    '# wins; a call matching nothing is refused (403): every route of every router is listed.',
    '#',
    '# public         no token needed',
    '# authenticated  any valid access token; the service itself scopes the answer to the caller',
    "# grant_tokens   like authenticated, and a share link's grant token is accepted too (authz's own check routes, which",
    "#                answer for the grant's one resource); everywhere else a grant token is refused (401) at the gateway",
    '# routes         the policy decides: object and action, in the tenant named by the `tenant` path parameter,',
    '#                or in the platform domain when there is none',
    '',
    'public:',
    list(tables.public, true),
    '',
    'authenticated:',
    list(tables.authenticated, true),
    '',
    'grant_tokens:',
    list(tables.grant_tokens, true),
    '',
    'routes:',
    list(tables.routes, false),
    '',
  ].join('\n');
}
