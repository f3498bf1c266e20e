import { requestJson, USERS_BY_EMAIL, USERS_GET, withPrefix, type NatsConnection } from '@portcullis/shared/nats';
import { ServiceUnavailable } from '@portcullis/shared/http';

export interface DirectoryUser {
  id: string;
  email: string;
  name: string;
  status: string;
}

/** Asks identity about users over NATS request/reply (tenancy never reads identity's tables). */
export class UserDirectory {
  constructor(
    private readonly nc: NatsConnection,
    private readonly subjectPrefix: string,
  ) {}

  async findById(id: string): Promise<DirectoryUser | null> {
    return this.ask(withPrefix(this.subjectPrefix, USERS_GET), { id });
  }

  async findByEmail(email: string): Promise<DirectoryUser | null> {
    return this.ask(withPrefix(this.subjectPrefix, USERS_BY_EMAIL), { email });
  }

  private async ask(subject: string, body: unknown): Promise<DirectoryUser | null> {
    let answer: { ok: boolean; result?: DirectoryUser | null };
    try {
      answer = await requestJson<{ ok: boolean; result?: DirectoryUser | null }>(this.nc, subject, body, 3000);
    } catch {
      throw new ServiceUnavailable('The identity service did not answer; try again.');
    }
    if (!answer.ok) throw new ServiceUnavailable('The identity service could not answer; try again.');
    return answer.result ?? null;
  }
}
