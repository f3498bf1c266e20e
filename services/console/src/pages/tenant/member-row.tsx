import { useEffect, useState } from 'react';
import { ApiError, describeError } from '../../api/problem';
import { tenancy, type Member, type TenantCapabilities } from '../../api/tenancy';
import { ErrorBox, Time } from '../../components/ui';
import { useAction } from '../../components/use-load';
import { RoleCheckboxes, sameRoles } from './role-checkboxes';

export function MemberRow({ member, roles, can, onChanged }: { member: Member; roles: string[]; can: TenantCapabilities; onChanged: () => void }) {
  const [chosen, setChosen] = useState(member.roles);
  useEffect(() => setChosen(member.roles), [member.roles]);
  const save = useAction(async () => {
    remove.clearError();
    await tenancy.setMemberRoles(member.tenant_id, member.user_id, chosen);
    onChanged();
  });
  const remove = useAction(async () => {
    save.clearError();
    if (!window.confirm(`Remove ${member.email} from the tenant?`)) return;
    await tenancy.removeMember(member.tenant_id, member.user_id);
    onChanged();
  });
  const error = save.error ?? remove.error;
  // The roles the row offers: the tenant's, plus any the member holds that the catalogue no longer lists.
  const offered = [...roles, ...member.roles.filter((role) => !roles.includes(role))];

  return (
    <tr data-testid={`member-${member.email}`}>
      <td>{member.name}</td>
      <td>{member.email}</td>
      <td>
        {can.changeMembers ? (
          <RoleCheckboxes roles={offered} value={chosen} onChange={setChosen} legend={`Roles of ${member.email}`} hideLegend />
        ) : (
          member.roles.map((role) => (
            <span key={role} className="badge">
              {role}
            </span>
          ))
        )}
      </td>
      <td>
        <Time iso={member.created_at} />
      </td>
      {(can.changeMembers || can.removeMembers) && (
        <td>
          <div className="actions">
            {can.changeMembers && (
              <button type="button" disabled={save.busy || chosen.length === 0 || sameRoles(chosen, member.roles)} onClick={() => void save.run()}>
                Save roles
              </button>
            )}
            {can.removeMembers && (
              <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run()}>
                Remove
              </button>
            )}
          </div>
          {isLastAdminRefusal(error) ? <LastAdminRefusal error={error} /> : <ErrorBox error={error} />}
        </td>
      )}
    </tr>
  );
}

/** The API refuses to remove or demote the last admin (problem `last-admin`). */
function isLastAdminRefusal(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'last-admin';
}

function LastAdminRefusal({ error }: { error: unknown }) {
  return (
    <div className="error" role="alert" data-status={409}>
      <strong>The tenant must keep at least one admin. </strong>
      {describeError(error)}
    </div>
  );
}
