import { useState } from 'react';
import { tenancy, tenantRoleNames, type Invitation, type InvitationStatus, type IssuedInvitation, type TenantCapabilities } from '../../api/tenancy';
import { ErrorBox, Field, Loading, Time } from '../../components/ui';
import { useAction, useLoad } from '../../components/use-load';
import { InvitationLinkNotice } from './invitation-link';
import { InviteForm } from './invite-form';
import { Pager } from './pager';
import { StatusBadge } from './status-badge';

const PAGE_SIZE = 20;
const STATUSES: (InvitationStatus | 'all')[] = ['pending', 'all', 'accepted', 'expired', 'revoked', 'replaced'];

export function InvitationsTab({ tenantId, can }: { tenantId: string; can: TenantCapabilities }) {
  const [status, setStatus] = useState<InvitationStatus | 'all'>('pending');
  const [page, setPage] = useState(1);
  // The one link on screen: from the last invitation sent or resent.
  const [issued, setIssued] = useState<IssuedInvitation>();
  const invitations = useLoad(() => tenancy.invitations(tenantId, status, page, PAGE_SIZE), [tenantId, status, page]);
  const roles = useLoad(tenantRoleNames, []);
  const showIssued = (next: IssuedInvitation) => {
    setIssued(next);
    invitations.reload();
  };

  return (
    <>
      {can.invite && <InviteForm tenantId={tenantId} roles={roles.data ?? []} onInvited={showIssued} />}
      <ErrorBox error={roles.error} />
      {issued && <InvitationLinkNotice issued={issued} onDismiss={() => setIssued(undefined)} />}
      <section className="card">
        <h2>Invitations</h2>
        <Field label="Status">
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as InvitationStatus | 'all');
              setPage(1);
            }}
          >
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </Field>
        <ErrorBox error={invitations.error} />
        {!invitations.data && invitations.loading && <Loading what="invitations" />}
        {invitations.data && invitations.data.items.length === 0 && <p className="muted">No {status === 'all' ? '' : `${status} `}invitations.</p>}
        {invitations.data && invitations.data.items.length > 0 && (
          <table>
            <thead>
              <tr>
                <th>Email</th>
                <th>Roles</th>
                <th>Status</th>
                <th>Expires</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {invitations.data.items.map((invitation) => (
                <InvitationRow key={invitation.id} invitation={invitation} onResent={showIssued} onRevoked={invitations.reload} />
              ))}
            </tbody>
          </table>
        )}
        {invitations.data && <Pager page={invitations.data.page} pageSize={invitations.data.page_size} total={invitations.data.total} onPage={setPage} />}
      </section>
    </>
  );
}

function InvitationRow({ invitation, onResent, onRevoked }: { invitation: Invitation; onResent: (issued: IssuedInvitation) => void; onRevoked: () => void }) {
  const resend = useAction(async () => {
    revoke.clearError();
    onResent(await tenancy.resendInvitation(invitation.tenant_id, invitation.id));
  });
  const revoke = useAction(async () => {
    resend.clearError();
    if (!window.confirm(`Revoke the invitation for ${invitation.email}?`)) return;
    await tenancy.revokeInvitation(invitation.tenant_id, invitation.id);
    onRevoked();
  });
  // Resend also revives an expired invitation: a new token and a new expiry.
  const open = invitation.status === 'pending' || invitation.status === 'expired';
  return (
    <tr data-testid={`invitation-${invitation.email}`}>
      <td>{invitation.email}</td>
      <td>
        {invitation.roles.map((role) => (
          <span key={role} className="badge">
            {role}
          </span>
        ))}
      </td>
      <td>
        <StatusBadge status={invitation.status} />
      </td>
      <td>
        <Time iso={invitation.expires_at} />
      </td>
      <td>
        {open && (
          <div className="actions">
            <button type="button" className="secondary" disabled={resend.busy} onClick={() => void resend.run()}>
              Resend
            </button>
            <button type="button" className="danger" disabled={revoke.busy} onClick={() => void revoke.run()}>
              Revoke
            </button>
          </div>
        )}
        <ErrorBox error={resend.error ?? revoke.error} />
      </td>
    </tr>
  );
}
