import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000Initial } from './Migration20261122000000Initial.js';
import { Migration20261123020000Mfa } from './Migration20261123020000Mfa.js';
import { Migration20261123030000LoginThrottle } from './Migration20261123030000LoginThrottle.js';
import { Migration20261123040000Impersonation } from './Migration20261123040000Impersonation.js';
import { Migration20261201000000ImpersonatorSession } from './Migration20261201000000ImpersonatorSession.js';

/** Every identity migration, in order. Add new ones at the end; never edit one that has shipped. */
export const identityMigrations: MigrationObject[] = [
  { name: 'Migration20261122000000Initial', class: Migration20261122000000Initial },
  { name: 'Migration20261123020000Mfa', class: Migration20261123020000Mfa },
  { name: 'Migration20261123030000LoginThrottle', class: Migration20261123030000LoginThrottle },
  { name: 'Migration20261123040000Impersonation', class: Migration20261123040000Impersonation },
  { name: 'Migration20261201000000ImpersonatorSession', class: Migration20261201000000ImpersonatorSession },
];
