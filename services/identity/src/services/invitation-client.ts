import { HttpError, ServiceUnavailable } from '@portcullis/shared/http';
import { INVITATIONS_ACCEPT, INVITATIONS_PEEK, requestJson, withPrefix, type NatsConnection } from '@portcullis/shared/nats';

export interface InvitationDetails {
  email: string;
  tenant_id: string;
  roles: string[];
}

type Answer<T> = { status: number; result?: T; detail?: string };

/** Carries tenancy's answer on: 404 unknown token, 410 used or expired, 403 another email. */
class InvitationRefused extends HttpError {
  constructor(status: number, detail: string) {
    super(status, status === 410 ? 'Gone' : status === 404 ? 'Not Found' : 'Invitation refused', detail);
  }
}

/** Asks tenancy about invitations over NATS request/reply (identity never reads tenancy's tables). */
export class InvitationClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly subjectPrefix: string,
  ) {}

  peek(token: string): Promise<InvitationDetails> {
    return this.ask<InvitationDetails>('peek', { token });
  }

  accept(token: string, userId: string, requestId: string): Promise<{ tenant_id: string; roles: string[] }> {
    return this.ask('accept', { token, user_id: userId, request_id: requestId });
  }

  private async ask<T>(verb: 'peek' | 'accept', body: unknown): Promise<T> {
    let reply: { ok: boolean; result?: Answer<T> };
    try {
      reply = await requestJson<{ ok: boolean; result?: Answer<T> }>(this.nc, withPrefix(this.subjectPrefix, verb === 'peek' ? INVITATIONS_PEEK : INVITATIONS_ACCEPT), body, 5000);
    } catch {
      throw new ServiceUnavailable('The tenancy service did not answer; try again.');
    }
    const answer = reply.result;
    if (!reply.ok || !answer) throw new ServiceUnavailable('The tenancy service could not answer; try again.');
    if (answer.status !== 200) throw new InvitationRefused(answer.status, answer.detail ?? 'The invitation cannot be used.');
    return answer.result as T;
  }
}
