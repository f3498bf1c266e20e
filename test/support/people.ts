import type { RunningIdentity } from './harness.js';
import { uniqueEmail } from './harness.js';
import { tokensOf } from '../../services/identity/src/services/auth.service.js';

export interface Person {
  id: string;
  email: string;
  token: string;
}

const PASSWORD = 'correct horse battery staple 42';

/** A real user in identity (optionally with platform roles), signed in. */
export async function person(identity: RunningIdentity, label: string, platformRoles: string[] = []): Promise<Person> {
  const email = uniqueEmail(label);
  const user = await identity.users.create({ email, name: `${label} ${email.slice(0, 6)}`, password: PASSWORD, platformRoles }, { actor: { user_id: null }, request_id: 'test' });
  const tokens = tokensOf(await identity.auth.login(email, PASSWORD, { request_id: 'test' }));
  return { id: user.id, email: user.email, token: tokens.access_token };
}
