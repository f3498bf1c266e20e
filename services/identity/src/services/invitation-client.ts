import { NatsExchanges, PROBLEMS, problemCodeForStatus, type ProblemCode } from '@portcullis/shared/contracts';
import { HttpError, ServiceUnavailable } from '@portcullis/shared/http';
import { ask, type NatsConnection } from '@portcullis/shared/nats';

export interface InvitationDetails {
  email: string;
  tenant_id: string;
  roles: string[];
}

/** Carries tenancy's answer on, with its problem code: 404 unknown token, 410 used or expired, 403 another email. */
class InvitationRefused extends HttpError {
  constructor(status: number, code: string | undefined, detail: string) {
    super(code && code in PROBLEMS ? (code as ProblemCode) : problemCodeForStatus(status), detail);
  }
}

/** Asks tenancy about invitations over NATS request/reply (identity never reads tenancy's tables). */
export class InvitationClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly subjectPrefix: string,
  ) {}

  async peek(token: string): Promise<InvitationDetails> {
    return this.accepted(await this.asked(() => ask(this.nc, this.subjectPrefix, NatsExchanges.invitationsPeek, { token }, 5000)));
  }

  async accept(token: string, userId: string, requestId: string): Promise<{ tenant_id: string; roles: string[] }> {
    return this.accepted(await this.asked(() => ask(this.nc, this.subjectPrefix, NatsExchanges.invitationsAccept, { token, user_id: userId, request_id: requestId }, 5000)));
  }

  private async asked<T>(question: () => Promise<T>): Promise<T> {
    try {
      return await question();
    } catch {
      throw new ServiceUnavailable('The tenancy service did not answer; try again.');
    }
  }

  private accepted<T>(answer: { status: 200; result: T } | { status: number; code?: string; detail: string }): T {
    if ('result' in answer) return answer.result;
    throw new InvitationRefused(answer.status, answer.code, answer.detail);
  }
}
