import { Link, NavLink, Route, Routes, useParams } from 'react-router';
import { ApiError } from '../api/problem';
import { tenancy, type TenantCapabilities } from '../api/tenancy';
import { ErrorBox, Loading, Page } from '../components/ui';
import { useLoad } from '../components/use-load';
import { SharesPanel } from './shares';
import { InvitationsTab } from './tenant/invitations';
import { MembersTab } from './tenant/members';
import { SettingsTab } from './tenant/settings';
import { StatusBadge } from './tenant/status-badge';

/** Everything the tab needs when the per-tenant check itself failed: the API still refuses what is not allowed. */
const ASSUME_ALLOWED: TenantCapabilities = {
  update: true,
  delete: true,
  readMembers: true,
  addMembers: true,
  changeMembers: true,
  removeMembers: true,
  readInvitations: true,
  invite: true,
};

export function TenantPage() {
  const { tenantId = '' } = useParams();
  const tenant = useLoad(() => tenancy.get(tenantId), [tenantId]);
  const allowed = useLoad(() => tenancy.capabilities(tenantId).catch(() => ASSUME_ALLOWED), [tenantId]);

  if (tenant.error instanceof ApiError && tenant.error.status === 404) {
    return (
      <Page title="Tenant not found">
        <p role="alert">No tenant with this id exists, or you are not a member of it.</p>
        <p>
          <NavLink to="/tenants">Back to the tenants</NavLink>
        </p>
      </Page>
    );
  }
  if (tenant.error) return <ErrorBox error={tenant.error} />;
  if (!tenant.data || !allowed.data) return <Loading what="the tenant" />;

  const current = tenant.data;
  const can = allowed.data;
  // Absolute links: relative ones in a splat route resolve against the tab in the URL, not the tenant.
  const base = `/tenants/${current.id}`;
  return (
    <Page
      title={current.name}
      actions={
        <>
          <StatusBadge status={current.status} />
          <Link to={`/playground?tenant_id=${current.id}`}>Ask the policy playground about this tenant</Link>
        </>
      }
    >
      <nav className="tabs" aria-label="tenant">
        <NavLink to={base} end>
          Settings
        </NavLink>
        {can.readMembers && <NavLink to={`${base}/members`}>Members</NavLink>}
        {can.readInvitations && <NavLink to={`${base}/invitations`}>Invitations</NavLink>}
        <NavLink to={`${base}/shares`}>Share links</NavLink>
      </nav>
      <Routes>
        <Route index element={<SettingsTab tenant={current} can={can} onChanged={tenant.reload} />} />
        <Route path="members" element={<MembersTab tenantId={current.id} can={can} />} />
        <Route path="invitations" element={<InvitationsTab tenantId={current.id} can={can} />} />
        <Route path="shares" element={<SharesPanel tenantId={current.id} />} />
        <Route path="*" element={<p>No such tab.</p>} />
      </Routes>
    </Page>
  );
}
