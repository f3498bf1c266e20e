import { useState } from 'react';
import { identity, type TotpEnrollment as TotpSetup } from '../api/identity';
import { session } from '../api/session';
import { useSession, useViewer } from '../components/auth';
import { useAction, useLoad } from '../components/use-load';
import { CopyButton, ErrorBox, Field, Loading, Notice, Page, Time } from '../components/ui';

/** The signed-in user: TOTP enrollment (QR code, then the recovery codes shown once) and sign-in sessions. */
export function AccountPage() {
  const { me } = useViewer();
  const current = useSession();
  const claims = current ? session.ownClaims() : undefined;
  return (
    <Page title="Account">
      <p>
        Signed in as <strong>{me?.email}</strong> {me?.name && <>({me.name})</>}. This session signed in with{' '}
        <strong>{claims?.amr?.join(' + ') ?? '—'}</strong>.
      </p>
      <TotpEnrollment />
      <Sessions />
    </Page>
  );
}

function TotpEnrollment() {
  const [setup, setSetup] = useState<TotpSetup>();
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const start = useAction(async () => setSetup(await identity.startTotp()));
  const confirm = useAction(async () => {
    const answer = await identity.confirmTotp(code.trim());
    setRecoveryCodes(answer.recovery_codes);
    setSetup(undefined);
  });
  if (recoveryCodes) {
    return (
      <section className="card">
        <h2>Two-factor authentication is on</h2>
        <Notice>Save these recovery codes now: each works once, and they are not shown again.</Notice>
        <ul className="codes" aria-label="recovery codes">
          {recoveryCodes.map((c) => <li key={c}><code>{c}</code></li>)}
        </ul>
        <CopyButton text={recoveryCodes.join('\n')} label="Copy the codes" />{' '}
        <button type="button" onClick={() => setRecoveryCodes(undefined)}>I have saved them</button>
      </section>
    );
  }
  return (
    <section className="card">
      <h2>Two-factor authentication (TOTP)</h2>
      {!setup ? (
        <>
          <p>Protect the account with an authenticator app. Impersonation needs a sign-in with a TOTP code.</p>
          <button type="button" onClick={() => void start.run()} disabled={start.busy}>Set up an authenticator</button>
          <ErrorBox error={start.error} />
        </>
      ) : (
        <form onSubmit={(e) => (e.preventDefault(), void confirm.run())}>
          <p>Scan the QR code with your authenticator app, or enter the secret by hand, then type the code it shows.</p>
          <img className="qr" alt="TOTP QR code" src={`data:image/svg+xml;base64,${btoa(setup.qr_svg)}`} width={200} height={200} />
          <p>
            Secret: <code data-testid="totp-secret">{setup.secret}</code> <CopyButton text={setup.secret} />
          </p>
          <Field label="Code from the app">
            <input autoComplete="one-time-code" inputMode="numeric" value={code} onChange={(e) => setCode(e.target.value)} required />
          </Field>
          <button type="submit" disabled={confirm.busy}>Turn on</button>
          <ErrorBox error={confirm.error} />
        </form>
      )}
    </section>
  );
}

function Sessions() {
  const sessions = useLoad(() => identity.sessions(), []);
  const end = useAction(async (id: string) => {
    await identity.endSession(id);
    sessions.reload();
  });
  return (
    <section className="card">
      <h2>Sign-in sessions</h2>
      {sessions.loading && !sessions.data && <Loading what="sessions" />}
      <ErrorBox error={sessions.error ?? end.error} />
      {sessions.data && (
        <table>
          <thead>
            <tr><th>Started</th><th>Method</th><th>From</th><th>Expires</th><th /></tr>
          </thead>
          <tbody>
            {sessions.data.items.map((s) => (
              <tr key={s.id}>
                <td><Time iso={s.created_at} /> {s.current && <span className="badge">this one</span>}</td>
                <td>{s.amr.join(' + ')}</td>
                <td>{s.ip ?? '—'} <small className="muted">{s.user_agent ?? ''}</small></td>
                <td><Time iso={s.expires_at} /></td>
                <td>{!s.current && <button type="button" className="secondary" onClick={() => void end.run(s.id)}>End</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
