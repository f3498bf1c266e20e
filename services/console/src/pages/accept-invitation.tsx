import { useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { identity, signOut } from '../api/identity';
import { ApiError, describeError } from '../api/problem';
import { session } from '../api/session';
import { tenancy } from '../api/tenancy';
import { useSession } from '../components/auth';
import { ErrorBox, Field } from '../components/ui';
import { useAction } from '../components/use-load';

/** Public: the invited person may have no account yet (register here) or one already (accept as themselves). */
export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const signedIn = Boolean(useSession());
  return (
    <div className="center">
      <section className="card narrow">
        <h1>Join a tenant on Portcullis</h1>
        {!token ? (
          <p role="alert" className="error">
            This link has no invitation token. Open the full link from your invitation.
          </p>
        ) : signedIn ? (
          <AcceptAsSignedIn token={token} />
        ) : (
          <RegisterWithInvitation token={token} />
        )}
      </section>
    </div>
  );
}

function AcceptAsSignedIn({ token }: { token: string }) {
  const navigate = useNavigate();
  const accept = useAction(async () => {
    const membership = await tenancy.acceptInvitation(token);
    navigate(`/tenants/${membership.tenant_id}`, { replace: true });
  });
  return (
    <>
      <p>You have been invited to a tenant. Accept to join it with the invited roles.</p>
      <button type="button" disabled={accept.busy} onClick={() => void accept.run()}>
        Accept invitation
      </button>
      <InvitationProblem error={accept.error} />
      <p className="muted">
        Invited at another email?{' '}
        <button type="button" className="secondary" onClick={() => void signOut().catch(() => undefined)}>
          Sign out
        </button>{' '}
        and create an account or sign in with that one.
      </p>
    </>
  );
}

function RegisterWithInvitation({ token }: { token: string }) {
  const navigate = useNavigate();
  const location = useLocation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const register = useAction(async () => {
    // Identity answers the membership too: registration accepts the invitation for the new account.
    const answer = await identity.register(token, name.trim(), password);
    session.set({ tokens: { access_token: answer.access_token, refresh_token: answer.refresh_token } });
    navigate(`/tenants/${answer.tenant_id}`, { replace: true });
  });
  const signInPath = `/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`;
  return (
    <>
      <p>Create your account to accept the invitation. Your email is the one you were invited at.</p>
      <form onSubmit={(e) => (e.preventDefault(), void register.run())}>
        <Field label="Name">
          <input autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </Field>
        <Field label="Password" hint="At least 12 characters.">
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={12} />
        </Field>
        <button type="submit" disabled={register.busy}>
          Create account and join
        </button>
      </form>
      <InvitationProblem error={register.error} />
      <p>
        <Link to={signInPath}>I already have an account — sign in</Link>
      </p>
    </>
  );
}

/** The refusals a person can act on get words (by problem code); anything else is shown as the API put it. */
function InvitationProblem({ error }: { error: unknown }) {
  if (!error) return null;
  const status = error instanceof ApiError ? error.status : undefined;
  const code = error instanceof ApiError ? error.code : undefined;
  const advice =
    code === 'gone'
      ? 'This invitation can no longer be used: it was already accepted, revoked, replaced by a newer one, or it has expired. Ask the person who invited you for a new link.'
      : code === 'not-found'
        ? 'This invitation does not exist. Check that you opened the whole link, or ask for a new one.'
        : code === 'already-exists'
          ? 'An account with the invited email already exists: sign in, then accept the invitation.'
          : code === 'wrong-invitee'
            ? 'This invitation is for another email address than the account you are signed in with.'
            : undefined;
  if (!advice) return <ErrorBox error={error} />;
  return (
    <div className="error" role="alert" data-status={status}>
      <strong>{advice}</strong> {describeError(error)}
    </div>
  );
}
