import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123000000Initial } from './Migration20261123000000Initial.js';
import { Migration20261123010000MemberSearch } from './Migration20261123010000MemberSearch.js';

/** Every tenancy migration, in order. Add new ones at the end; never edit one that has shipped. */
export const tenancyMigrations: MigrationObject[] = [
  { name: 'Migration20261123000000Initial', class: Migration20261123000000Initial },
  { name: 'Migration20261123010000MemberSearch', class: Migration20261123010000MemberSearch },
];
