import { sharing } from '../../api/sharing';
import { ErrorBox, Loading, Time } from '../../components/ui';
import { useLoad } from '../../components/use-load';

/** Who opened one link, newest first. */
export function ShareViews({ tenantId, shareId }: { tenantId: string; shareId: string }) {
  const views = useLoad(() => sharing.views(tenantId, shareId), [tenantId, shareId]);
  if (views.loading && !views.data) return <Loading what="views" />;
  if (views.error) return <ErrorBox error={views.error} />;
  const items = views.data?.items ?? [];
  return (
    <div data-testid="share-views">
      {items.length === 0 ? (
        <p className="muted">Nobody has opened this link yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Viewer</th>
              <th>IP</th>
              <th>User agent</th>
              <th>Time</th>
            </tr>
          </thead>
          <tbody>
            {items.map((view) => (
              <tr key={view.id} data-testid="share-view">
                <td>{view.anonymous ? <span className="muted">anonymous</span> : <code>{view.viewer_user_id}</code>}</td>
                <td>{view.ip ?? <span className="muted">—</span>}</td>
                <td className="muted">{view.user_agent ?? '—'}</td>
                <td><Time iso={view.viewed_at} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(views.data?.total ?? 0) > items.length && <p className="muted">Showing the latest {items.length} of {views.data?.total} views.</p>}
      <button type="button" className="secondary" onClick={views.reload} disabled={views.loading}>Refresh views</button>
    </div>
  );
}
