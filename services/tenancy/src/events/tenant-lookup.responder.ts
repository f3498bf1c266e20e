import { respondJson, TENANTS_GET, withPrefix, type NatsConnection } from '@portcullis/shared/nats';
import { NotFound, type Logger } from '@portcullis/shared/http';
import type { TenantService } from '../services/tenant.service.js';

/** What other services learn about a tenant (sharing: may it share, and publicly?). */
export interface TenantSummary {
  id: string;
  name: string;
  status: string;
  settings: { allow_public_shares: boolean };
}

export function tenantLookupSubject(prefix: string): string {
  return withPrefix(prefix, TENANTS_GET);
}

/** Answers `{id}` with the tenant's summary, or null when there is none (other services never read tenancy's tables). */
export function startTenantLookupResponder(nc: NatsConnection, tenants: TenantService, prefix: string, logger: Logger) {
  const lookup = respondJson<{ id: string }, TenantSummary | null>(nc, tenantLookupSubject(prefix), 'tenancy', async (req) => {
    const id = typeof req?.id === 'string' ? req.id : '';
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
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
