import { useState } from 'react';
import { tenancy, type IssuedInvitation } from '../../api/tenancy';
import { ErrorBox, Field } from '../../components/ui';
import { useAction } from '../../components/use-load';
import { RoleCheckboxes } from './role-checkboxes';

export function InviteForm({ tenantId, roles, onInvited }: { tenantId: string; roles: string[]; onInvited: (issued: IssuedInvitation) => void }) {
  const [email, setEmail] = useState('');
  const [chosenRoles, setChosenRoles] = useState<string[]>(['member']);
  const invite = useAction(async () => {
    const issued = await tenancy.invite(tenantId, email.trim(), chosenRoles);
    setEmail('');
    onInvited(issued);
  });
  return (
    <form className="card" onSubmit={(e) => (e.preventDefault(), void invite.run())}>
      <h2>Invite someone</h2>
      <Field label="Email" hint="A pending invitation to the same email is replaced.">
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required maxLength={320} />
      </Field>
      <RoleCheckboxes roles={roles} value={chosenRoles} onChange={setChosenRoles} />
      <button type="submit" disabled={invite.busy || chosenRoles.length === 0}>
        Send invitation
      </button>
      <ErrorBox error={invite.error} />
    </form>
  );
}
