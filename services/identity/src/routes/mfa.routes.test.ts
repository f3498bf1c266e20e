import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import { call, startIdentity, type RunningIdentity } from '../../../../test/support/harness.js';
import { person } from '../../../../test/support/people.js';

let identity: RunningIdentity;
const PASSWORD = 'correct horse battery staple 42';
const url = (path: string) => `${identity.url}/v1${path}`;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  identity = await startIdentity();
});
afterAll(async () => {
  await identity?.close();
});

describe('TOTP MFA', () => {
  it('enrolls, confirms, asks for a second step at login, refuses a replayed code, spends recovery codes once, and turns off', async () => {
    const me = await person(identity, 'mfa');
    const enrolled = await call('POST', url('/me/mfa/totp'), me.token);
    expect(enrolled.status).toBe(200);
    const secret: string = enrolled.body.secret;
    expect(enrolled.body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(enrolled.body.qr_svg).toContain('<svg');
    const [{ secret_encrypted }] = await identity.runtime.orm.em.fork().execute<{ secret_encrypted: string }[]>('select secret_encrypted from identity.totp_credentials where user_id = ?', [me.id]);
    expect(secret_encrypted).not.toContain(secret);

    expect((await call('POST', url('/me/mfa/totp/confirm'), me.token, { code: '000000' })).status).toBe(400);
    const confirmed = await call('POST', url('/me/mfa/totp/confirm'), me.token, { code: await generate({ secret }) });
    expect(confirmed.status).toBe(200);
    const codes: string[] = confirmed.body.recovery_codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    expect((await call('POST', url('/me/mfa/totp'), me.token)).status).toBe(409);

    const login = async () => {
      const res = await call('POST', url('/auth/login'), undefined, { email: me.email, password: PASSWORD });
      expect(res.body).toMatchObject({ mfa_required: true });
      return res.body.mfa_token as string;
    };
    const first = await login();
    expect((await call('POST', url('/auth/mfa'), undefined, { mfa_token: first, code: '123456' })).status).toBe(401);
    const nextCode = await generate({ secret, epoch: now() + 30 });
    const tokens = await call('POST', url('/auth/mfa'), undefined, { mfa_token: first, code: nextCode });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.access_token).amr).toEqual(['pwd', 'otp']);
    // The MFA token is single use, and the same code is not accepted a second time (RFC 6238 §5.2).
    expect((await call('POST', url('/auth/mfa'), undefined, { mfa_token: first, code: nextCode })).status).toBe(401);
    expect((await call('POST', url('/auth/mfa'), undefined, { mfa_token: await login(), code: nextCode })).status).toBe(401);

    const recovery = await login();
    expect((await call('POST', url('/auth/mfa'), undefined, { mfa_token: recovery, code: codes[0].toLowerCase() })).status).toBe(200);
    expect((await call('POST', url('/auth/mfa'), undefined, { mfa_token: await login(), code: codes[0] })).status).toBe(401);

    expect((await call('DELETE', url('/me/mfa/totp'), me.token, { code: 'AAAA-BBBB-CCCC-DDDD' })).status).toBe(400);
    expect((await call('DELETE', url('/me/mfa/totp'), me.token, { code: codes[1] })).status).toBe(204);
    const plain = await call('POST', url('/auth/login'), undefined, { email: me.email, password: PASSWORD });
    expect(plain.body).toHaveProperty('access_token');
    const events = await identity.runtime.orm.em.fork().execute<{ type: string }[]>(
      "select payload->>'type' as type from identity.outbox where payload->>'subject' = ? and payload->>'type' like 'portcullis.identity.mfa.%'",
      [`user:${me.id}`],
    );
    expect(events.map((e) => e.type).sort()).toEqual(['portcullis.identity.mfa.disabled', 'portcullis.identity.mfa.enrolled']);
  });
});
