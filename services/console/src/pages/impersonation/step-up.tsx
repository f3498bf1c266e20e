import { useState } from 'react';
import { Link } from 'react-router';
import { NoTotpEnrolledError, stepUp } from '../../api/impersonation';
import { useAction } from '../../components/use-load';
import { ErrorBox, Field, Notice } from '../../components/ui';

/** "Confirm it's you": a new sign-in with password and TOTP code, so the admin's token has a fresh second factor. */
export function StepUpForm({ email, signedInWithOtp }: { email: string; signedInWithOtp: boolean }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const confirm = useAction(() => stepUp(email, password, code.trim()));
  const noTotp = confirm.error instanceof NoTotpEnrolledError;
  return (
    <form className="step-up" onSubmit={(e) => (e.preventDefault(), void confirm.run())}>
      <h3>Confirm it’s you</h3>
      <p>
        Impersonation needs a sign-in with your authenticator code within the last 15 minutes. Enter your password and
        the current code for <strong>{email}</strong>.
      </p>
      {!signedInWithOtp && (
        <p className="muted">
          This session signed in without a TOTP code. If you have no authenticator yet, <Link to="/account">set one up on the Account page</Link> first.
        </p>
      )}
      <Field label="Password">
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </Field>
      <Field label="TOTP code">
        <input autoComplete="one-time-code" inputMode="numeric" value={code} onChange={(e) => setCode(e.target.value)} required />
      </Field>
      <button type="submit" disabled={confirm.busy}>Confirm</button>
      {noTotp ? (
        <Notice>
          Your account has no authenticator (TOTP) set up, so it cannot start an impersonation. Enroll TOTP on the{' '}
          <Link to="/account">Account page</Link> first, then sign in again with the code.
        </Notice>
      ) : (
        <ErrorBox error={confirm.error} />
      )}
    </form>
  );
}
