import { requestJson, TENANTS_GET, withPrefix, type NatsConnection } from '@portcullis/shared/nats';
import { ServiceUnavailable } from '@portcullis/shared/http';

export interface DirectoryTenant {
  id: string;
  name: string;
  status: string;
  settings: { allow_public_shares: boolean };
}

/** Asks tenancy about a tenant over NATS request/reply (sharing never reads tenancy's tables). */
export class TenantDirectory {
  constructor(
    private readonly nc: NatsConnection,
    private readonly subjectPrefix: string,
  ) {}

  async findById(id: string): Promise<DirectoryTenant | null> {
    let answer: { ok: boolean; result?: DirectoryTenant | null };
    try {
      answer = await requestJson<{ ok: boolean; result?: DirectoryTenant | null }>(this.nc, withPrefix(this.subjectPrefix, TENANTS_GET), { id }, 3000);
    } catch {
      throw new ServiceUnavailable('The tenancy service did not answer; try again.');
    }
    if (!answer.ok) throw new ServiceUnavailable('The tenancy service could not answer; try again.');
    return answer.result ?? null;
  }
}
