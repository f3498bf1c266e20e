import { useEffect, useState } from 'react';
import { tenancy } from '../../api/tenancy';
import { users, type User } from '../../api/users';
import { useViewer } from '../../components/auth';
import { ErrorBox, Field, Notice } from '../../components/ui';
import { useAction, useLoad } from '../../components/use-load';
import { RoleCheckboxes } from './role-checkboxes';

/** Platform admins pick from the user directory; tenant admins, who cannot read it, paste a user id. */
export function AddMemberForm({ tenantId, roles, onAdded }: { tenantId: string; roles: string[]; onAdded: () => void }) {
  const { capabilities } = useViewer();
  const [picked, setPicked] = useState<User>();
  const [userId, setUserId] = useState('');
  const [chosenRoles, setChosenRoles] = useState<string[]>(['member']);
  const [added, setAdded] = useState<string>();
  const add = useAction(async () => {
    setAdded(undefined);
    const member = await tenancy.addMember(tenantId, picked?.id ?? userId.trim(), chosenRoles);
    setAdded(member.email);
    setPicked(undefined);
    setUserId('');
    onAdded();
  });

  return (
    <form className="card" onSubmit={(e) => (e.preventDefault(), void add.run())}>
      <h2>Add member</h2>
      {capabilities?.readUsers ? (
        <UserPicker picked={picked} onPick={setPicked} />
      ) : (
        <Field label="User id" hint="The id of an existing account. To add someone without one, invite them by email.">
          <input value={userId} onChange={(e) => setUserId(e.target.value)} required />
        </Field>
      )}
      <RoleCheckboxes roles={roles} value={chosenRoles} onChange={setChosenRoles} />
      <button type="submit" disabled={add.busy || chosenRoles.length === 0 || (capabilities?.readUsers ? !picked : !userId.trim())}>
        Add member
      </button>
      {added && <Notice>{added} is now a member.</Notice>}
      <ErrorBox error={add.error} />
    </form>
  );
}

function UserPicker({ picked, onPick }: { picked?: User; onPick: (user?: User) => void }) {
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 250);
  const found = useLoad(() => (query ? users.search(query) : Promise.resolve(undefined)), [query]);

  if (picked) {
    return (
      <p>
        Adding <strong>{picked.name}</strong> &lt;{picked.email}&gt;{' '}
        <button type="button" className="secondary" onClick={() => onPick(undefined)}>
          Choose someone else
        </button>
      </p>
    );
  }
  return (
    <>
      <Field label="Find user by email or name">
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
      </Field>
      <ErrorBox error={found.error} />
      {found.data && found.data.items.length === 0 && <p className="muted">No user matches “{query}”.</p>}
      {found.data && found.data.items.length > 0 && (
        <ul aria-label="matching users">
          {found.data.items.map((user) => (
            <li key={user.id}>
              <button type="button" className="secondary" onClick={() => onPick(user)}>
                Select {user.email}
              </button>{' '}
              <span className="muted">{user.name}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}
