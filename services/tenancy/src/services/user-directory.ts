import { NatsExchanges, type UserSummary } from '@portcullis/shared/contracts';
import { ServiceUnavailable } from '@portcullis/shared/http';
import { ask, type NatsConnection } from '@portcullis/shared/nats';

export type DirectoryUser = UserSummary;

/** Asks identity about users over NATS request/reply (tenancy never reads identity's tables). */
export class UserDirectory {
  constructor(
    private readonly nc: NatsConnection,
    private readonly subjectPrefix: string,
  ) {}

  findById(id: string): Promise<DirectoryUser | null> {
    return this.asked(() => ask(this.nc, this.subjectPrefix, NatsExchanges.usersGet, { id }));
  }

  findByEmail(email: string): Promise<DirectoryUser | null> {
    return this.asked(() => ask(this.nc, this.subjectPrefix, NatsExchanges.usersByEmail, { email }));
  }

  private async asked(question: () => Promise<DirectoryUser | null>): Promise<DirectoryUser | null> {
    try {
      return await question();
    } catch {
      throw new ServiceUnavailable('The identity service did not answer; try again.');
    }
  }
}
