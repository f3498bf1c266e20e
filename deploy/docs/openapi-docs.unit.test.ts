import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { problemCodeOf } from '@portcullis/shared/contracts';
import { openApiDocuments, renderOpenApi } from './openapi-docs.js';

type Operation = { operationId?: string; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }>; description: string }>; security?: unknown[]; tags?: string[] };
const operationsOf = (document: Record<string, unknown>) =>
  Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
const INFRASTRUCTURE = /^\/(healthz|readyz|metrics|openapi\.json|\.well-known\/)/;

describe('the OpenAPI documents', () => {
  for (const { service, document } of openApiDocuments()) {
    it(`${service}: docs/openapi/${service}.json is what the routers declare (npm run docs:openapi)`, () => {
      expect(readFileSync(fileURLToPath(new URL(`../../docs/openapi/${service}.json`, import.meta.url)), 'utf8')).toBe(renderOpenApi(document));
    });

    it(`${service}: every operation has a unique operationId, and every API operation lists its client errors as problem types`, () => {
      const operations = operationsOf(document);
      const ids = operations.map(({ operation }) => operation.operationId);
      expect(ids.every(Boolean)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      for (const { path, method, operation } of operations.filter(({ path }) => !INFRASTRUCTURE.test(path))) {
        const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
        expect(errors.some(([status]) => Number(status) < 500), `${method} ${path} lists a 4xx`).toBe(true);
        for (const [status, response] of errors) {
          expect(response.content?.['application/problem+json']?.schema?.$ref, `${method} ${path} ${status}`).toBe('#/components/schemas/Problem');
          // Each problem type named in the description is one of ours, with this status.
          const types = [...response.description.matchAll(/`(https:[^`]+)`/g)].map((m) => m[1]);
          expect(types.length, `${method} ${path} ${status} names its problem types`).toBeGreaterThan(0);
          for (const type of types) expect(problemCodeOf(type), type).toBeDefined();
        }
        if (operation.security?.length) expect(Object.keys(operation.responses)).toContain('401');
      }
      expect(document.servers).toEqual([expect.objectContaining({ url: `/${service}` }), expect.objectContaining({ url: '/' })]);
    });
  }
});
