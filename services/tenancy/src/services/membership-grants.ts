import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantDomain, type GrantWriter, type PolicyChange } from '@portcullis/shared/authz';

/**
 * Keeps a member's Casbin `g` rules equal to their membership roles, inside the caller's transaction: a membership
 * and its grants commit (or roll back) together. Returns the changes to announce after the commit.
 */
export async function syncMemberGrants(
  grants: GrantWriter,
  tx: EntityManager,
  tenantId: string,
  userId: string,
  before: readonly string[],
  after: readonly string[],
): Promise<(PolicyChange | undefined)[]> {
  const domain = tenantDomain(tenantId);
  const changes: (PolicyChange | undefined)[] = [];
  for (const role of before) if (!after.includes(role)) changes.push(await grants.remove(tx, { subject: userId, role, domain }));
  for (const role of after) if (!before.includes(role)) changes.push(await grants.add(tx, { subject: userId, role, domain }));
  return changes;
}
