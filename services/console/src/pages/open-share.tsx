import { useRef, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/problem';
import { sharing, type ResolvedShare } from '../api/sharing';
import { tenancy } from '../api/tenancy';
import { useSession } from '../components/auth';
import { CopyButton, ErrorBox, Loading, Time } from '../components/ui';
import { useLoad } from '../components/use-load';

/** A share link opened in the console: public, or a tenant's (then the signed-in member's bearer goes along). */
export function OpenSharePage() {
  const { token = '' } = useParams();
  const signedIn = Boolean(useSession());
  const [attempt, setAttempt] = useState(0);
  // Every resolve counts a view: the same attempt must not be sent twice (StrictMode runs effects twice in development).
  const sent = useRef<{ key: string; answer: Promise<ResolvedShare> }>(undefined);
  const key = `${token} ${signedIn} ${attempt}`;
  const resolved = useLoad(() => {
    if (sent.current?.key !== key) sent.current = { key, answer: sharing.resolve(token, signedIn) };
    return sent.current.answer;
  }, [key]);
  return (
    <div className="center">
      {/* The token is in this page's URL: keep it out of Referer headers. React hoists these into <head>. */}
      <meta name="referrer" content="no-referrer" />
      <title>Shared link — Portcullis</title>
      <section className="card narrow">
        {resolved.loading ? (
          <Loading what="the link" />
        ) : resolved.error ? (
          <Refusal error={resolved.error} token={token} signedIn={signedIn} onRetry={() => setAttempt((n) => n + 1)} />
        ) : (
          resolved.data && <Resolved share={resolved.data} signedIn={signedIn} />
        )}
        {signedIn && (
          <p className="muted">
            <Link to="/tenants">Back to the console</Link>
          </p>
        )}
      </section>
    </div>
  );
}

function Resolved({ share, signedIn }: { share: ResolvedShare; signedIn: boolean }) {
  const tenant = useLoad(
    () => (signedIn ? tenancy.get(share.tenant_id).catch(() => undefined) : Promise.resolve(undefined)),
    [share.tenant_id, signedIn],
  );
  return (
    <div data-testid="share-resolved">
      <h1>Shared {share.resource_type}</h1>
      <table>
        <tbody>
          <Row name="Resource type"><code>{share.resource_type}</code></Row>
          <Row name="Resource id"><code data-testid="share-resource-id">{share.resource_id}</code></Row>
          <Row name="Tenant">
            {tenant.data?.name && <>{tenant.data.name} </>}
            <code>{share.tenant_id}</code>
          </Row>
          <Row name="Permissions">
            {share.permissions.length ? share.permissions.map((permission) => <span key={permission} className="badge">{permission}</span>) : <span className="muted">none</span>}
          </Row>
          <Row name="Views left"><span data-testid="share-views-left">{share.views_left ?? 'unlimited'}</span></Row>
          <Row name="Link expires">{share.link_expires_at ? <Time iso={share.link_expires_at} /> : <span className="muted">never</span>}</Row>
          <Row name="Access valid until"><Time iso={share.expires_at} /></Row>
        </tbody>
      </table>
      <details>
        <summary>Grant token</summary>
        <p className="muted">A short-lived token that the authz API accepts as the bearer for this one resource.</p>
        <p><code data-testid="grant-token">{share.grant_token}</code></p>
        <CopyButton text={share.grant_token} label="Copy grant token" />
      </details>
    </div>
  );
}

function Row({ name, children }: { name: string; children: ReactNode }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{children}</td>
    </tr>
  );
}

function Refusal({ error, token, signedIn, onRetry }: { error: unknown; token: string; signedIn: boolean; onRetry: () => void }) {
  const status = error instanceof ApiError ? error.status : undefined;
  if (status === 401) {
    return (
      <>
        <h1>Sign in to open this link</h1>
        <p>This link is for the members of a tenant: sign in to open it.</p>
        <ErrorBox error={error} />
        <p>
          <Link to={`/sign-in?next=/s/${encodeURIComponent(token)}`} data-testid="share-sign-in">Sign in to open this link</Link>
        </p>
      </>
    );
  }
  if (status === 404) {
    return (
      <>
        <h1>This link is unknown or revoked</h1>
        <p>Check that it was copied whole{signedIn ? ', and that you are a member of the tenant it belongs to' : ''}.</p>
        <ErrorBox error={error} />
      </>
    );
  }
  if (status === 410) {
    return (
      <>
        <h1>This link is expired or out of views</h1>
        <p>Ask whoever shared it for a new link.</p>
        <ErrorBox error={error} />
      </>
    );
  }
  return (
    <>
      <h1>{status === 429 ? 'Too many attempts' : 'Could not open this link'}</h1>
      {status === 429 && error instanceof ApiError && error.retryAfter !== undefined && <p>Try again in {Math.ceil(error.retryAfter)} seconds.</p>}
      <ErrorBox error={error} />
      <button type="button" onClick={onRetry}>Try again</button>
    </>
  );
}
