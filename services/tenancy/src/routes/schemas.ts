import { z } from 'zod';
export { pageOf, pageQuery, parseSort, PageNumber, PageSize } from '@portcullis/shared/http';

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/;

export const TenantIdParams = z.object({ tenant_id: z.uuid() });

export const RoleList = z.array(z.string().min(1).max(64)).min(1).max(20);

/** Where every tenant-scoped route finds its tenant. */
export const inTenant = (object: string, action: string) => ({ object, action, tenant: 'tenant_id' });
