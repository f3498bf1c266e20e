import { tenantDomain } from '@portcullis/shared/authz';
import type { PolicyWrites } from '@portcullis/shared/db';

/**
 * Keeps a member's Casbin `g` rules equal to their membership roles, inside the caller's unit of work: a membership
 * and its grants commit (or roll back) together, and the unit of work announces them after the commit. Returns
 * whether any grant changed.
 */
export async function syncMemberGrants(policy: PolicyWrites, tenantId: string, userId: string, before: readonly string[], after: readonly string[]): Promise<boolean> {
  const domain = tenantDomain(tenantId);
  let changed = false;
  for (const role of before) if (!after.includes(role)) changed = (await policy.revoke({ subject: userId, role, domain })) || changed;
  for (const role of after) if (!before.includes(role)) changed = (await policy.grant({ subject: userId, role, domain })) || changed;
  return changed;
}
