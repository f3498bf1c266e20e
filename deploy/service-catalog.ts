import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import { auditEntities } from '../services/audit/src/entities/index.js';
import { auditMigrations } from '../services/audit/src/migrations/index.js';
import { authzEntities } from '../services/authz/src/entities/index.js';
import { authzMigrations } from '../services/authz/src/migrations/index.js';
import { identityEntities } from '../services/identity/src/entities/index.js';
import { identityMigrations } from '../services/identity/src/migrations/index.js';
import { sharingEntities } from '../services/sharing/src/entities/index.js';
import { sharingMigrations } from '../services/sharing/src/migrations/index.js';
import { tenancyEntities } from '../services/tenancy/src/entities/index.js';
import { tenancyMigrations } from '../services/tenancy/src/migrations/index.js';

/** Each service's schema, entities and migrations, for tooling that migrates them all (dev stack, test setup). */
export const serviceCatalog: { service: string; entities: EntitySchema[]; migrations: MigrationObject[] }[] = [
  { service: 'authz', entities: authzEntities, migrations: authzMigrations },
  { service: 'identity', entities: identityEntities, migrations: identityMigrations },
  { service: 'tenancy', entities: tenancyEntities, migrations: tenancyMigrations },
  { service: 'sharing', entities: sharingEntities, migrations: sharingMigrations },
  { service: 'audit', entities: auditEntities, migrations: auditMigrations },
];
