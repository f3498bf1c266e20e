import type { Context } from 'koa';
import type { SigningKeyService } from './signing-key.service.js';

/** GET /.well-known/jwks.json: the public keys tokens may be signed with; verifiers cache it for a minute. */
export function serveJwks(keys: SigningKeyService) {
  return async function jwks(ctx: Context): Promise<void> {
    ctx.set('cache-control', 'public, max-age=60');
    ctx.remove('pragma');
    ctx.body = await keys.jwks();
  };
}
