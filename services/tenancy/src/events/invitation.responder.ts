import { INVITATIONS_ACCEPT, INVITATIONS_PEEK, respondJson, withPrefix, type NatsConnection } from '@portcullis/shared/nats';
import { HttpError, type Logger } from '@portcullis/shared/http';
import type { InvitationService } from '../services/invitation.service.js';

export function invitationSubjects(prefix: string) {
  return { peek: withPrefix(prefix, INVITATIONS_PEEK), accept: withPrefix(prefix, INVITATIONS_ACCEPT) };
}

/** What a failed request answers: the HTTP status the error carries, so identity can pass 404/410 on. */
export type InvitationAnswer<T> = { status: 200; result: T } | { status: number; detail: string };

async function answer<T>(work: () => Promise<T>): Promise<InvitationAnswer<T>> {
  try {
    return { status: 200, result: await work() };
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, detail: error.message };
    throw error;
  }
}

/** Identity's sign-up by invitation asks here: what does this token invite to, and accept it for the new user. */
export function startInvitationResponder(nc: NatsConnection, invitations: InvitationService, prefix: string, logger: Logger) {
  const subjects = invitationSubjects(prefix);
  const peek = respondJson<{ token: string }, InvitationAnswer<unknown>>(nc, subjects.peek, 'tenancy', (req) => answer(() => invitations.peek(String(req?.token ?? ''))), logger);
  const accept = respondJson<{ token: string; user_id: string; request_id?: string }, InvitationAnswer<unknown>>(nc, subjects.accept, 'tenancy', (req) =>
    answer(() =>
      invitations.accept(String(req?.token ?? ''), String(req?.user_id ?? ''), {
        actor: { user_id: String(req?.user_id ?? '') },
        request_id: String(req?.request_id ?? ''),
      }),
    ), logger);
  return { stop: () => { peek.unsubscribe(); accept.unsubscribe(); } };
}
