import type { NatsConnection } from '@portcullis/shared/nats';
import { respondJson, USERS_BY_EMAIL, USERS_GET, withPrefix } from '@portcullis/shared/nats';
import type { Logger } from '@portcullis/shared/http';
import type { UserService } from '../services/user.service.js';

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  status: string;
}

/** Subjects other services use to ask identity about users (they never read identity's tables). */
export function userLookupSubjects(prefix: string) {
  return { byEmail: withPrefix(prefix, USERS_BY_EMAIL), byId: withPrefix(prefix, USERS_GET) };
}

export function startUserLookupResponder(nc: NatsConnection, users: UserService, prefix: string, logger: Logger) {
  const subjects = userLookupSubjects(prefix);
  const summary = (u: { id: string; email: string; name: string; status: string } | null): UserSummary | null =>
    u ? { id: u.id, email: u.email, name: u.name, status: u.status } : null;
  const byEmail = respondJson<{ email: string }, UserSummary | null>(nc, subjects.byEmail, 'identity', async (req) =>
    summary(typeof req?.email === 'string' ? await users.findByEmail(req.email) : null), logger);
  const byId = respondJson<{ id: string }, UserSummary | null>(nc, subjects.byId, 'identity', async (req) =>
    summary(typeof req?.id === 'string' && /^[0-9a-f-]{36}$/i.test(req.id) ? await users.findById(req.id) : null), logger);
  return { stop: () => { byEmail.unsubscribe(); byId.unsubscribe(); } };
}
