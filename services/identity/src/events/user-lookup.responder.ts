import { NatsExchanges, type UserSummary } from '@portcullis/shared/contracts';
import type { Logger } from '@portcullis/shared/http';
import { answer, type NatsConnection } from '@portcullis/shared/nats';
import type { User } from '../entities/user.entity.js';
import type { UserService } from '../services/user.service.js';

const summary = (u: User | null): UserSummary | null => (u ? { id: u.id, email: u.email, name: u.name, status: u.status } : null);

/** Other services ask identity about users here (they never read identity's tables). */
export function startUserLookupResponder(nc: NatsConnection, users: UserService, prefix: string, logger: Logger) {
  const byEmail = answer(nc, prefix, NatsExchanges.usersByEmail, 'identity', async ({ email }) => summary(await users.findByEmail(email)), logger);
  const byId = answer(nc, prefix, NatsExchanges.usersGet, 'identity', async ({ id }) => summary(await users.findById(id)), logger);
  return { stop: () => { byEmail.unsubscribe(); byId.unsubscribe(); } };
}
