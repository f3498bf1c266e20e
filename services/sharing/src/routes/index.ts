import type { AccessGuards, ApiRouter, DocumentedRoute } from '@portcullis/shared/http';
import type { ShareResolver } from '../services/share-resolver.js';
import type { ShareService } from '../services/share.service.js';
import { resolveRoutes, type ResolveLimits } from './resolve.routes.js';
import { shareRoutes } from './shares.routes.js';

/** Every sharing API route. Building them calls no service: the gateway's route table is generated from them too. */
export function sharingRouters(s: { shares: ShareService; resolver: ShareResolver }, guards: AccessGuards, limits: ResolveLimits): ApiRouter[] {
  return [shareRoutes(s.shares, guards), resolveRoutes(s.resolver, limits)];
}

export const sharingWellKnown: DocumentedRoute[] = [
  { method: 'get', path: '/.well-known/jwks.json', operationId: 'jwks', summary: 'The public keys that verify grant tokens (RFC 7517)', tags: ['well-known'], response: { description: 'JWK Set', contentType: 'application/json', schema: { type: 'object', properties: { keys: { type: 'array', items: { type: 'object' } } } } } },
];
