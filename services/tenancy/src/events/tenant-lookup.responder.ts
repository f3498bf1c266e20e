import { NatsExchanges } from '@portcullis/shared/contracts';
import { NotFound, type Logger } from '@portcullis/shared/http';
import { answer, type NatsConnection } from '@portcullis/shared/nats';
import type { TenantService } from '../services/tenant.service.js';

/** Answers `{id}` with the tenant's summary, or null when there is none (other services never read tenancy's tables). */
export function startTenantLookupResponder(nc: NatsConnection, tenants: TenantService, prefix: string, logger: Logger) {
  const lookup = answer(nc, prefix, NatsExchanges.tenantsGet, 'tenancy', async ({ id }) => {
    try {
      const tenant = await tenants.get(id);
      return { id: tenant.id, name: tenant.name, status: tenant.status, settings: { allow_public_shares: Boolean(tenant.settings.allow_public_shares) } };
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
  }, logger);
  return { stop: () => lookup.unsubscribe() };
}
