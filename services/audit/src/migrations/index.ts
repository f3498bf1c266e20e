import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000Initial } from './Migration20261122000000Initial.js';
import { Migration20261123070000ChainCheckpoint } from './Migration20261123070000ChainCheckpoint.js';

/** Every audit migration, in order. Add new ones at the end; never edit one that has shipped. */
export const auditMigrations: MigrationObject[] = [
  { name: 'Migration20261122000000Initial', class: Migration20261122000000Initial },
  { name: 'Migration20261123070000ChainCheckpoint', class: Migration20261123070000ChainCheckpoint },
];
