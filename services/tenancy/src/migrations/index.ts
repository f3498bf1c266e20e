import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123000000Initial } from './Migration20261123000000Initial.js';

/** Every tenancy migration, in order. Add new ones at the end; never edit one that has shipped. */
export const tenancyMigrations: MigrationObject[] = [
  { name: 'Migration20261123000000Initial', class: Migration20261123000000Initial },
];
