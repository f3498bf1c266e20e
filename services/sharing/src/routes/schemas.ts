import { z } from 'zod';

export const TenantIdParams = z.object({ tenant_id: z.uuid() });
export const ShareParams = TenantIdParams.extend({ share_id: z.uuid() });
