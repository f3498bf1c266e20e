import { useViewer } from '../../components/auth';
import { Field } from '../../components/ui';
import { UserSearch } from '../impersonation/user-search';

/** What is typed (a user id or `share:<id>`; empty: the signed-in user), and the email when picked from the directory. */
export interface SubjectChoice {
  text: string;
  email?: string;
}

/** Platform admins (who may read the directory) can also find the subject by email. */
export function SubjectField({ value, onChange }: { value: SubjectChoice; onChange: (subject: SubjectChoice) => void }) {
  const { me, capabilities } = useViewer();
  const typed = value.text.trim();
  const isMe = !typed || typed === me?.id;
  return (
    <div className="subject-field">
      <Field label="Subject" hint="A user id or share:<id>. Empty: you.">
        <input value={value.text} placeholder={me?.id ?? 'user id'} autoComplete="off" onChange={(e) => onChange({ text: e.target.value })} />
      </Field>
      <p className="muted" data-testid="subject-summary">
        Asking about {isMe ? <>you ({me?.email ?? '…'})</> : value.email ? <strong>{value.email}</strong> : <code>{typed}</code>}
        {!isMe && (
          <>
            {' '}
            <button type="button" className="secondary" onClick={() => onChange({ text: '' })}>Ask about me</button>
          </>
        )}
      </p>
      {capabilities?.readUsers && <UserSearch label="Find a user by email" onPick={(user) => onChange({ text: user.id, email: user.email })} />}
    </div>
  );
}
