// The five OpenAPI documents, as each service serves them at /openapi.json, built from the routers without starting
// anything. `npm run docs:openapi` writes them to docs/openapi/; make lint runs an independent linter (Redocly) on them.
import { buildOpenApi } from '@portcullis/shared/http';
import { serviceRoutes } from '../gateway/route-table.js';

export function openApiDocuments(): { service: string; document: Record<string, unknown> }[] {
  return serviceRoutes().map(({ service, routers, wellKnown }) => ({
    service,
    document: buildOpenApi({ title: `Portcullis ${service}`, version: '0.1.0', service }, routers, wellKnown),
  }));
}

export const renderOpenApi = (document: Record<string, unknown>) => `${JSON.stringify(document, null, 2)}\n`;
