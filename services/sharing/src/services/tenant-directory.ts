import { NatsExchanges, type TenantSummary } from '@portcullis/shared/contracts';
import { ServiceUnavailable } from '@portcullis/shared/http';
import { ask, type NatsConnection } from '@portcullis/shared/nats';

export type DirectoryTenant = TenantSummary;

/** Asks tenancy about a tenant over NATS request/reply (sharing never reads tenancy's tables). */
export class TenantDirectory {
  constructor(
    private readonly nc: NatsConnection,
    private readonly subjectPrefix: string,
  ) {}

  async findById(id: string): Promise<DirectoryTenant | null> {
    try {
      return await ask(this.nc, this.subjectPrefix, NatsExchanges.tenantsGet, { id });
    } catch {
      throw new ServiceUnavailable('The tenancy service did not answer; try again.');
    }
  }
}
