import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PolicyParseError, policyDir } from '@portcullis/shared/authz';

export type RouteDecision =
  | { kind: 'public' }
  | { kind: 'authenticated'; grantTokens?: true }
  | { kind: 'policy'; object: string; action: string; tenantId?: string }
  | { kind: 'unknown' };

interface CompiledRoute {
  method: string;
  segments: string[];
  decide: (params: Record<string, string>) => RouteDecision;
}

interface RouteEntry {
  method: string;
  path: string;
  object: string;
  action: string;
  tenant?: string;
}

function splitPath(path: string): string[] {
  return path.split('?')[0].split('/').filter(Boolean);
}

/** As @koa/router decodes a path parameter: a segment that is not valid percent-encoding is taken as sent. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i];
    if (expected === '**') return params;
    const segment = actual[i];
    if (segment === undefined) return undefined;
    if (expected.startsWith(':')) params[expected.slice(1)] = decodeSegment(segment);
    else if (expected !== '*' && expected !== segment) return undefined;
  }
  return pattern.length === actual.length ? params : undefined;
}

/** policies/routes.yaml, compiled: maps a gateway call to what it needs. */
export class RouteTable {
  private constructor(private readonly routes: CompiledRoute[]) {}

  static load(dir = policyDir()): RouteTable {
    const file = join(dir, 'routes.yaml');
    let raw: { public?: string[]; authenticated?: string[]; grant_tokens?: string[]; routes?: RouteEntry[] };
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new PolicyParseError(file, (error as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? 1, (error as Error).message);
    }
    const simple = (entry: string, decision: RouteDecision): CompiledRoute => {
      const [method, path] = entry.trim().split(/\s+/);
      if (!method || !path) throw new PolicyParseError(file, 1, `"${entry}" should be "<METHOD> <path>"`);
      return { method: method.toUpperCase(), segments: splitPath(path), decide: () => decision };
    };
    const routes: CompiledRoute[] = [
      ...(raw.public ?? []).map((e) => simple(e, { kind: 'public' })),
      ...(raw.authenticated ?? []).map((e) => simple(e, { kind: 'authenticated' })),
      ...(raw.grant_tokens ?? []).map((e) => simple(e, { kind: 'authenticated', grantTokens: true })),
      ...(raw.routes ?? []).map((entry) => {
        if (!entry.method || !entry.path || !entry.object || !entry.action) {
          throw new PolicyParseError(file, 1, `route ${JSON.stringify(entry)} needs method, path, object and action`);
        }
        return {
          method: entry.method.toUpperCase(),
          segments: splitPath(entry.path),
          decide: (params: Record<string, string>): RouteDecision => ({
            kind: 'policy',
            object: entry.object,
            action: entry.action,
            ...(entry.tenant ? { tenantId: params[entry.tenant] } : {}),
          }),
        };
      }),
    ];
    return new RouteTable(routes);
  }

  decide(method: string, uri: string): RouteDecision {
    const actual = splitPath(uri);
    for (const route of this.routes) {
      if (route.method !== '*' && route.method !== method.toUpperCase()) continue;
      const params = matchSegments(route.segments, actual);
      if (params) return route.decide(params);
    }
    return { kind: 'unknown' };
  }
}
