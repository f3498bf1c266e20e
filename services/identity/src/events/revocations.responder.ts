import { NatsExchanges } from '@portcullis/shared/contracts';
import type { Logger } from '@portcullis/shared/http';
import { answer, type NatsConnection } from '@portcullis/shared/nats';
import type { SessionService } from '../services/session.service.js';

/**
 * Answers how many revocations identity has committed but not yet published: a service that lost NATS trusts its list of
 * revoked sessions again only once this is 0 (shared/auth/revoked-sessions.ts).
 */
export function startRevocationsResponder(nc: NatsConnection, sessions: SessionService, prefix: string, logger: Logger) {
  const responder = answer(nc, prefix, NatsExchanges.revocationsPending, 'identity', async () => ({ pending: await sessions.unpublishedRevocations() }), logger);
  return { stop: () => responder.unsubscribe() };
}
