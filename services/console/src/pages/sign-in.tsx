import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { completeMfa, signIn } from '../api/identity';
import { useAction } from '../components/use-load';
import { ErrorBox, Field } from '../components/ui';
import { safeNext } from '../lib/safe-next';

/** Password first; a TOTP (or recovery) code second when the account has one. */
export function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [mfaToken, setMfaToken] = useState<string>();
  const login = useAction(async () => {
    const answer = await signIn(email, password);
    if (answer.mfaToken) setMfaToken(answer.mfaToken);
    else navigate(next, { replace: true });
  });
  const mfa = useAction(async () => {
    await completeMfa(mfaToken!, code.trim());
    navigate(next, { replace: true });
  });
  return (
    <div className="center">
      <section className="card narrow">
        <h1>Sign in to Portcullis</h1>
        {!mfaToken ? (
          <form onSubmit={(e) => (e.preventDefault(), void login.run())}>
            <Field label="Email">
              <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
            </Field>
            <Field label="Password">
              <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
            </Field>
            <button type="submit" disabled={login.busy}>Sign in</button>
            <ErrorBox error={login.error} />
          </form>
        ) : (
          <form onSubmit={(e) => (e.preventDefault(), void mfa.run())}>
            <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
            <Field label="Code">
              <input inputMode="text" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required autoFocus />
            </Field>
            <button type="submit" disabled={mfa.busy}>Verify</button>
            <ErrorBox error={mfa.error} />
          </form>
        )}
      </section>
    </div>
  );
}
