import { GrantWriter } from '@portcullis/shared/authz';
import { createOrm, OrmUnitOfWork } from '@portcullis/shared/db';
import { identityEntities } from '../../services/identity/src/entities/index.js';
import { createIdentityOutbox } from '../../services/identity/src/events/identity-events.js';
import { identityMigrations } from '../../services/identity/src/migrations/index.js';
import { identityRepositories } from '../../services/identity/src/repositories/index.js';
import { PasswordHasher } from '../../services/identity/src/services/password-hasher.js';
import { UserService } from '../../services/identity/src/services/user.service.js';

export interface BootstrapResult {
  email: string;
  created: boolean;
  /** Only when this run generated it: shown once, never stored in clear. */
  generatedPassword?: string;
}

/**
 * Creates the first platform admin when no user has that email. Its `user.created` event waits in identity's outbox
 * and is published once identity runs.
 */
export async function bootstrapAdmin(databaseUrl: string, email: string, password?: string, subjectPrefix = ''): Promise<BootstrapResult> {
  const orm = await createOrm({ databaseUrl, schema: 'identity', entities: identityEntities, migrations: identityMigrations, poolMax: 1 });
  try {
    // No NATS here: running instances pick the grant up at their next reconcile.
    const uow = new OrmUnitOfWork({ orm, repositories: identityRepositories, outbox: createIdentityOutbox(subjectPrefix, () => {}), grants: new GrantWriter(undefined, subjectPrefix) });
    const users = new UserService(uow, new PasswordHasher());
    const result = await users.ensureBootstrapAdmin(email, password);
    return { email: result.user.email, created: result.created, ...(result.generatedPassword ? { generatedPassword: result.generatedPassword } : {}) };
  } finally {
    await orm.close(true);
  }
}
