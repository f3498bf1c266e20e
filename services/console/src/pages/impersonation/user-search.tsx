import { useEffect, useState } from 'react';
import { users, type User } from '../../api/users';
import { useLoad } from '../../components/use-load';
import { ErrorBox, Field, Loading } from '../../components/ui';

const MIN_QUERY = 2;
const DEBOUNCE_MS = 300;

/** Finds a user of the platform directory by email or name (platform admins) and hands the chosen one up. */
export function UserSearch({ label, onPick }: { label: string; onPick: (user: User) => void }) {
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);
  const found = useLoad(() => (debounced.length >= MIN_QUERY ? users.search(debounced) : Promise.resolve(undefined)), [debounced]);
  return (
    <div className="user-search">
      <Field label={label} hint="Type at least two letters of the email or name.">
        <input
          type="search"
          value={query}
          autoComplete="off"
          onChange={(e) => setQuery(e.target.value)}
          // Enter would submit the surrounding form before a user is chosen.
          onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
        />
      </Field>
      <ErrorBox error={found.error} />
      {found.loading && debounced.length >= MIN_QUERY && !found.data && <Loading what="users" />}
      {found.data && debounced.length >= MIN_QUERY && (
        found.data.items.length === 0 ? (
          <p className="muted">No user matches “{debounced}”.</p>
        ) : (
          <ul className="user-results" aria-label="matching users">
            {found.data.items.map((user) => (
              <li key={user.id} data-testid="user-option">
                <button type="button" className="secondary" aria-label={`Pick ${user.email}`} onClick={() => onPick(user)}>
                  Pick
                </button>{' '}
                {user.name} — {user.email} {user.status !== 'active' && <span className="badge bad">{user.status}</span>}
              </li>
            ))}
          </ul>
        )
      )}
    </div>
  );
}
