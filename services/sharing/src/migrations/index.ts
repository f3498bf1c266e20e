import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123060000Initial } from './Migration20261123060000Initial.js';

/** Every sharing migration, in order. Add new ones at the end; never edit one that has shipped. */
export const sharingMigrations: MigrationObject[] = [{ name: 'Migration20261123060000Initial', class: Migration20261123060000Initial }];
