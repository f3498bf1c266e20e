import type { EntityManager } from '@mikro-orm/postgresql';
import { rolesOfSubject, subjectsWithRole } from '@portcullis/shared/authz';

export const PLATFORM_DOMAIN = 'platform';

/**
 * Who holds which platform role: the `g` rules of the `platform` domain, read inside the unit of work (so a read sees
 * what it will commit against). Writing them is `tx.policy.grant` / `tx.policy.revoke`.
 */
export interface PlatformRoles {
  /** The platform roles the user holds. */
  of(userId: string): Promise<string[]>;
  /** Everyone holding this platform role. */
  holders(role: string): Promise<string[]>;
}

export class PlatformRoleRepository implements PlatformRoles {
  constructor(private readonly em: EntityManager) {}

  of(userId: string): Promise<string[]> {
    return rolesOfSubject(this.em, userId, PLATFORM_DOMAIN);
  }

  holders(role: string): Promise<string[]> {
    return subjectsWithRole(this.em, role, PLATFORM_DOMAIN);
  }
}
