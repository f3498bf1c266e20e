import { GrantWriter } from '@portcullis/shared/authz';
import { createOrm } from '@portcullis/shared/db';
import { authzEntities } from '../../services/authz/src/entities/index.js';
import { createAuthzOutbox } from '../../services/authz/src/events/authz-events.js';
import { authzMigrations } from '../../services/authz/src/migrations/index.js';
import { PolicyApplyService, policyApplyUnitOfWork, type ApplyResult } from '../../services/authz/src/services/policy-apply.service.js';

/**
 * Loads policies/policy.csv into Postgres when it differs from what is stored (the same as `npm run policy -- apply`,
 * without announcing: running instances reconcile, and at start-up nothing is running yet).
 */
export async function seedPolicy(databaseUrl: string, subjectPrefix = ''): Promise<ApplyResult> {
  const orm = await createOrm({ databaseUrl, schema: 'authz', entities: authzEntities, migrations: authzMigrations, poolMax: 1 });
  try {
    return await new PolicyApplyService(policyApplyUnitOfWork(orm, new GrantWriter(undefined, subjectPrefix), createAuthzOutbox(subjectPrefix))).apply({ requestId: 'seed' });
  } finally {
    await orm.close(true);
  }
}
