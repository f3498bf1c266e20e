import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { hasFreshSecondFactor, MAX_IMPERSONATION_MINUTES, startImpersonation } from '../../api/impersonation';
import { session } from '../../api/session';
import type { User } from '../../api/users';
import { useSession, useViewer } from '../../components/auth';
import { useAction } from '../../components/use-load';
import { ErrorBox, Field, Loading } from '../../components/ui';
import { StepUpForm } from './step-up';
import { UserSearch } from './user-search';

/** Freshness runs out while the page is open: look again every few seconds. */
const RECHECK_MS = 10_000;

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function StartImpersonationCard() {
  const { me } = useViewer();
  const current = useSession();
  const now = useNow(RECHECK_MS);
  // Read from the tokens in the session (they change after a step-up), never from the impersonation token.
  const claims = current ? session.ownClaims() : undefined;
  const fresh = hasFreshSecondFactor(claims, now);
  return (
    <section className="card">
      <h2>Start impersonation</h2>
      {!me ? (
        <Loading what="your account" />
      ) : fresh ? (
        <StartForm />
      ) : (
        <StepUpForm email={me.email} signedInWithOtp={claims?.amr?.includes('otp') ?? false} />
      )}
    </section>
  );
}

function StartForm() {
  const navigate = useNavigate();
  const [target, setTarget] = useState<User>();
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState('');
  const start = useAction(async () => {
    if (!target) return;
    await startImpersonation({
      target_user_id: target.id,
      reason,
      ...(minutes.trim() ? { duration_minutes: Number(minutes) } : {}),
    });
    navigate('/tenants');
  });
  return (
    <form onSubmit={(e) => (e.preventDefault(), void start.run())}>
      <p className="muted">You act as the user, seeing and doing what they may, until you end it or it expires. Everything is audited with your name and the reason.</p>
      {target ? (
        <p data-testid="impersonation-target">
          Target: <strong>{target.name}</strong> — {target.email}{' '}
          <button type="button" className="secondary" onClick={() => setTarget(undefined)}>Change user</button>
        </p>
      ) : (
        <UserSearch label="Find a user by email" onPick={setTarget} />
      )}
      <Field label="Reason" hint="Required; shown in the audit trail and to the user.">
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} maxLength={500} required />
      </Field>
      <Field label="Duration (minutes)" hint={`Optional; at most ${MAX_IMPERSONATION_MINUTES}, 15 when empty.`}>
        <input type="number" min={1} max={MAX_IMPERSONATION_MINUTES} step={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      </Field>
      <button type="submit" disabled={!target || start.busy}>Start impersonation</button>
      {!target && <span className="muted"> Pick a user first.</span>}
      <ErrorBox error={start.error} />
    </form>
  );
}
