import { authz } from '../../api/authz';
import { useLoad } from '../../components/use-load';
import { ErrorBox, Loading } from '../../components/ui';

/** Everything the subject may do in the domain, object by object (the policy's vocabulary, evaluated). */
export function PermissionsView({ userId, who, tenantId, tenantName }: { userId: string; who: string; tenantId?: string; tenantName: string }) {
  const permissions = useLoad(() => authz.permissions(userId, tenantId), [userId, tenantId]);
  const byObject = new Map<string, string[]>();
  for (const { object, action } of permissions.data?.items ?? []) byObject.set(object, [...(byObject.get(object) ?? []), action]);
  return (
    <section className="card" data-testid="subject-permissions">
      <h2>
        Permissions of {who} in {tenantName}
      </h2>
      <ErrorBox error={permissions.error} />
      {permissions.loading ? (
        <Loading what="permissions" />
      ) : permissions.data &&
        (byObject.size === 0 ? (
          <p className="muted">None: this subject may do nothing here.</p>
        ) : (
          <table>
            <thead>
              <tr><th>Object</th><th>Actions</th></tr>
            </thead>
            <tbody>
              {[...byObject.entries()].map(([object, actions]) => (
                <tr key={object}>
                  <td><code>{object}</code></td>
                  <td>{actions.map((action) => <span key={action} className="badge ok">{action}</span>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </section>
  );
}
