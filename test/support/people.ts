import { generate } from 'otplib';
import type { RunningIdentity } from './harness.js';
import { call, uniqueEmail } from './harness.js';
import { tokensOf } from '../../services/identity/src/services/auth.service.js';

export interface Person {
  id: string;
  email: string;
  token: string;
}

/** Every person's password (the browser tests type it). */
export const PERSON_PASSWORD = 'correct horse battery staple 42';
const PASSWORD = PERSON_PASSWORD;

/** A real user in identity (optionally with platform roles), signed in. */
export async function person(identity: RunningIdentity, label: string, platformRoles: string[] = []): Promise<Person> {
  const email = uniqueEmail(label);
  const user = await identity.users.create({ email, name: `${label} ${email.slice(0, 6)}`, password: PASSWORD, platformRoles }, { actor: { user_id: null }, request_id: 'test' });
  const tokens = tokensOf(await identity.auth.login(email, PASSWORD, { request_id: 'test' }));
  return { id: user.id, email: user.email, token: tokens.access_token };
}

/** Turns TOTP on for the person and signs in with it: a token whose amr has otp (what impersonation asks for). */
export async function signInWithTotp(identityUrl: string, who: Person): Promise<string> {
  const id = (path: string) => `${identityUrl}/v1${path}`;
  const { body } = await call('POST', id('/me/mfa/totp'), who.token);
  await call('POST', id('/me/mfa/totp/confirm'), who.token, { code: await generate({ secret: body.secret }) });
  const challenge = (await call('POST', id('/auth/login'), undefined, { email: who.email, password: PASSWORD })).body.mfa_token;
  // The confirm spent this time step's code: the next one.
  const tokens = await call('POST', id('/auth/mfa'), undefined, { mfa_token: challenge, code: await generate({ secret: body.secret, epoch: Math.floor(Date.now() / 1000) + 30 }) });
  if (tokens.status !== 200) throw new Error(`MFA sign-in answered ${tokens.status}`);
  return tokens.body.access_token;
}
