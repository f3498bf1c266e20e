import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../deploy/dev/nats-server.js';
import { call, eventually, startIdentity, startTenancy, uniqueEmail, type RunningIdentity, type RunningTenancy } from '../../support/harness.js';
import { person, type Person } from '../../support/people.js';
import { AttackTally, recordAttack } from './support.js';

// Finding 10 (medium): the invitation token came back to the inviter, who could then register the invited address
// with a password of their choosing (and learn from 409 which addresses have accounts). With SMTP configured the link
// now goes to the invited address only; the API returns it solely in development without SMTP, and says so.
const SUITE = 'an-inviter-never-holds-the-link-to-an-address-they-do-not-own';

interface Mail {
  to: string[];
  body: string;
}

let smtp: SMTPServer;
let smtpPort: number;
const mails: Mail[] = [];
let identity: RunningIdentity;
let tenancy: RunningTenancy;
let root: Person;
let admin: Person;
let tenantId: string;
const tally = new AttackTally();
let passed = false;

/** The accept link in a mail's text (quoted-printable soft breaks and escapes undone). */
function tokenIn(mail: Mail): string {
  const text = mail.body.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  const match = /invitations\/accept\?token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`no link in the mail:\n${text}`);
  return decodeURIComponent(match[1]);
}

beforeAll(async () => {
  // A real SMTP server (nodemailer's smtp-server) standing in for the invitee's mail provider.
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body: Buffer.concat(chunks).toString('utf8') });
        done();
      });
    },
  });
  smtpPort = await freePort();
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  identity = await startIdentity();
  tenancy = await startTenancy(identity, { SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, APP_URL: 'https://app.example.test' });
  root = await person(identity, 'invite-root', ['platform_admin']);
  admin = await person(identity, 'invite-admin');
  await eventually(async () => (tenancy.runtime.policy.enforce(root.id, 'platform', 'tenant', 'create') ? true : undefined));
  const slug = `invite-${Date.now().toString(36)}`;
  tenantId = (await call('POST', `${tenancy.url}/v1/tenants`, root.token, { name: `Invite ${slug}`, slug })).body.id;
  expect((await call('POST', `${tenancy.url}/v1/tenants/${tenantId}/members`, root.token, { user_id: admin.id, roles: ['admin'] })).status).toBe(201);
  await eventually(async () => (tenancy.runtime.policy.enforce(admin.id, `tenant:${tenantId}`, 'invitations', 'create') ? true : undefined));
}, 60_000);

afterAll(async () => {
  if (passed) {
    recordAttack({
      suite: SUITE,
      title: 'Attack: an inviter registering an address they do not own',
      finding: 10,
      tried: tally.tried,
      gotIn: tally.gotIn,
      notes: 'With SMTP configured (a real SMTP server in the test): create and resend answer without the link; the inviter finds it in no answer and cannot register; the invited address receives it and registers.',
    });
  }
  await tenancy?.close();
  await identity?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
});

describe('an invitation with SMTP configured', () => {
  it('reaches only the invited address: the inviter never sees the link, so cannot register that address', async () => {
    const victim = uniqueEmail('victim');
    const created = await call('POST', `${tenancy.url}/v1/tenants/${tenantId}/invitations`, admin.token, { email: victim, roles: ['admin'] });
    expect(created.status).toBe(201);
    expect(created.body.delivery).toBe('mail');
    expect(tally.attempt(created.body.token === undefined && created.body.accept_url === undefined)).toBe(true);
    const resent = await call('POST', `${tenancy.url}/v1/tenants/${tenantId}/invitations/${created.body.id}/resend`, admin.token);
    expect(resent.status).toBe(200);
    expect(tally.attempt(resent.body.token === undefined)).toBe(true);
    const listed = await call('GET', `${tenancy.url}/v1/tenants/${tenantId}/invitations`, admin.token);
    expect(tally.attempt(!JSON.stringify(listed.body).includes('token'))).toBe(true);

    // The mail went to the victim's address, and nowhere else.
    const toVictim = await eventually(async () => (mails.filter((m) => m.to.includes(victim)).length === 2 ? mails.filter((m) => m.to.includes(victim)) : undefined), 5000);
    expect(mails.every((m) => m.to.length === 1)).toBe(true);
    const [firstToken, secondToken] = toVictim.map(tokenIn);
    expect(firstToken).not.toBe(secondToken);

    // The inviter, without the token, cannot register the address however they try.
    for (const guess of ['x'.repeat(43), created.body.id, `${created.body.id}${created.body.id}`]) {
      const attempt = await call('POST', `${identity.url}/v1/auth/register`, undefined, { invitation_token: guess, name: 'Not the owner', password: 'chosen by the inviter' });
      expect(tally.attempt(attempt.status === 404 || attempt.status === 400), `register with ${guess}: ${attempt.status}`).toBe(true);
    }
    // The owner of the address registers with the link from their mail (the resent one: the first stopped working).
    expect((await call('POST', `${identity.url}/v1/auth/register`, undefined, { invitation_token: firstToken, name: 'Owner', password: 'my own long password' })).status).toBe(404);
    const registered = await call('POST', `${identity.url}/v1/auth/register`, undefined, { invitation_token: secondToken, name: 'Owner', password: 'my own long password' });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    expect(registered.body.tenant_id).toBe(tenantId);
    passed = true;
  });
});
