import { useNavigate } from 'react-router';
import { tenancy, type Tenant } from '../../api/tenancy';
import { ConfirmByTyping, ErrorBox } from '../../components/ui';
import { useAction } from '../../components/use-load';

/** Disable (reversible only in the database: the API has no re-enable) and purge (gone for good). */
export function DangerZone({ tenant, onDisabled }: { tenant: Tenant; onDisabled: () => void }) {
  const navigate = useNavigate();
  const disable = useAction(async () => {
    if (!window.confirm(`Disable “${tenant.name}”? Its members lose access at once.`)) return;
    await tenancy.disable(tenant.id);
    onDisabled();
  });
  const purge = useAction(async () => {
    await tenancy.purge(tenant.id, tenant.name);
    navigate('/tenants', { replace: true });
  });
  return (
    <section className="card" aria-labelledby="danger-zone">
      <h2 id="danger-zone">Danger zone</h2>
      {tenant.status === 'active' && (
        <>
          <p>Disabling the tenant ends every member's access at once; its data and memberships stay.</p>
          <button type="button" className="danger" disabled={disable.busy} onClick={() => void disable.run()}>
            Disable tenant
          </button>
          <ErrorBox error={disable.error} />
        </>
      )}
      <p>Deleting permanently removes the tenant, its memberships and invitations, and revokes its share links. It cannot be undone.</p>
      <ConfirmByTyping expected={tenant.name} action="Delete permanently" busy={purge.busy} onConfirm={() => void purge.run()} />
      <ErrorBox error={purge.error} />
    </section>
  );
}
