import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122010000Initial } from './Migration20261122010000Initial.js';
import { Migration20261123050000LinkRules } from './Migration20261123050000LinkRules.js';

/** Every authz migration, in order. Add new ones at the end; never edit one that has shipped. */
export const authzMigrations: MigrationObject[] = [
  { name: 'Migration20261122010000Initial', class: Migration20261122010000Initial },
  { name: 'Migration20261123050000LinkRules', class: Migration20261123050000LinkRules },
];
