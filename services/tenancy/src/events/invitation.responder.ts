import { NatsExchanges } from '@portcullis/shared/contracts';
import { HttpError, type Logger } from '@portcullis/shared/http';
import { answer, type NatsConnection } from '@portcullis/shared/nats';
import type { InvitationService } from '../services/invitation.service.js';

/** A refusal carries the HTTP status its error has, so identity can pass 404/410 on to its caller. */
async function answered<T>(work: () => Promise<T>): Promise<{ status: 200; result: T } | { status: number; code: string; detail: string }> {
  try {
    return { status: 200, result: await work() };
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, code: error.code, detail: error.message };
    throw error;
  }
}

/** Identity's sign-up by invitation asks here: what does this token invite to, and accept it for the new user. */
export function startInvitationResponder(nc: NatsConnection, invitations: InvitationService, prefix: string, logger: Logger) {
  const peek = answer(nc, prefix, NatsExchanges.invitationsPeek, 'tenancy', ({ token }) => answered(() => invitations.peek(token)), logger);
  const accept = answer(nc, prefix, NatsExchanges.invitationsAccept, 'tenancy', ({ token, user_id, request_id }) =>
    answered(() => invitations.accept(token, user_id, { actor: { user_id }, request_id: request_id ?? '' })), logger);
  return { stop: () => { peek.unsubscribe(); accept.unsubscribe(); } };
}
