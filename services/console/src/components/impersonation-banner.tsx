import { useEffect, useState } from 'react';
import { call } from '../api/client';
import { session } from '../api/session';
import { formatTimeLeft } from '../lib/time-left';
import { useAction } from './use-load';
import { ErrorBox } from './ui';
import { useSession } from './auth';

/** On every page while an impersonation lasts: whom, why, the time left, and the way out. */
export function ImpersonationBanner() {
  const current = useSession();
  const impersonation = current?.impersonation;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!impersonation) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [impersonation]);
  const end = useAction(async () => {
    if (!impersonation) return;
    try {
      await call('POST', '/identity/v1/impersonation/end', { bearer: impersonation.access_token });
    } finally {
      // Ended, expired or already refused: either way the console goes back to the admin's own eyes.
      const latest = session.get();
      if (latest) session.set({ tokens: latest.tokens });
    }
  });
  const left = impersonation ? new Date(impersonation.expires_at).getTime() - now : 0;
  useEffect(() => {
    if (impersonation && left <= 0) {
      const latest = session.get();
      if (latest) session.set({ tokens: latest.tokens });
    }
  }, [impersonation, left]);
  if (!impersonation) return null;
  return (
    <div className="impersonation-banner" role="region" aria-label="impersonation">
      <span>
        Impersonating <strong>{impersonation.target_user.email}</strong> — {impersonation.reason} — time left{' '}
        <strong data-testid="impersonation-time-left">{formatTimeLeft(left)}</strong>
      </span>
      <button type="button" onClick={() => void end.run()} disabled={end.busy}>
        End impersonation
      </button>
      <ErrorBox error={end.error} />
    </div>
  );
}
