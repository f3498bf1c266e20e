import { Fragment, useState } from 'react';
import { sharing, type Share } from '../../api/sharing';
import { ErrorBox, Time } from '../../components/ui';
import { useAction } from '../../components/use-load';
import { ShareViews } from './share-views';

const COLUMNS = 8;

export function ShareTable({ tenantId, shares, onChanged }: { tenantId: string; shares: Share[]; onChanged: () => void }) {
  const [open, setOpen] = useState<string>();
  const revoke = useAction(async (share: Share) => {
    if (!confirm(`Revoke the link ${label(share)}? It stops working at once.`)) return;
    await sharing.revoke(tenantId, share.id);
    onChanged();
  });
  if (shares.length === 0) return <p className="muted">No share links yet.</p>;
  return (
    <>
      <ErrorBox error={revoke.error} />
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Resource</th>
            <th>Visibility</th>
            <th>Status</th>
            <th>Views</th>
            <th>Expires</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shares.map((share) => (
            <Fragment key={share.id}>
              <tr data-testid="share-row" data-share-id={share.id} data-status={share.status}>
                <td>{share.name ?? <span className="muted">—</span>}</td>
                <td><code>{share.resource_type}:{share.resource_id}</code></td>
                <td>{share.visibility}</td>
                <td><span className={`badge ${share.status === 'active' ? 'ok' : 'bad'}`}>{share.status}</span></td>
                <td>{share.view_count} / {share.max_views ?? '∞'}</td>
                <td>{share.expires_at ? <Time iso={share.expires_at} /> : <span className="muted">never</span>}</td>
                <td><Time iso={share.created_at} /></td>
                <td>
                  <div className="actions">
                    <button type="button" className="secondary" aria-expanded={open === share.id} onClick={() => setOpen(open === share.id ? undefined : share.id)}>
                      {open === share.id ? 'Hide views' : 'Views'}
                    </button>
                    {share.status !== 'revoked' && (
                      <button type="button" className="danger" disabled={revoke.busy} onClick={() => void revoke.run(share)}>Revoke</button>
                    )}
                  </div>
                </td>
              </tr>
              {open === share.id && (
                <tr>
                  <td colSpan={COLUMNS}>
                    <ShareViews tenantId={tenantId} shareId={share.id} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </>
  );
}

const label = (share: Share) => (share.name ? `“${share.name}”` : `to ${share.resource_type}:${share.resource_id}`);
