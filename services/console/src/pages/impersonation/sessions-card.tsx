import { useState } from 'react';
import { impersonation, type ImpersonationSession, type SessionFilter } from '../../api/impersonation';
import { useLoad } from '../../components/use-load';
import { ErrorBox, Field, Loading, Time } from '../../components/ui';

export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return minutes ? `${minutes} min ${rest} s` : `${rest} s`;
}

/** Every impersonation on the platform, newest first (platform admins and auditors). */
export function ImpersonationSessionsCard() {
  const [filter, setFilter] = useState<SessionFilter>('all');
  const sessions = useLoad(() => impersonation.sessions(filter), [filter]);
  return (
    <section className="card">
      <h2>Impersonation sessions</h2>
      <div className="row">
        <Field label="Filter">
          <select value={filter} onChange={(e) => setFilter(e.target.value as SessionFilter)}>
            <option value="active">Active</option>
            <option value="ended">Ended</option>
            <option value="all">All</option>
          </select>
        </Field>
        <button type="button" className="secondary" onClick={sessions.reload} disabled={sessions.loading}>Refresh</button>
      </div>
      <ErrorBox error={sessions.error} />
      {sessions.loading && !sessions.data && <Loading what="impersonation sessions" />}
      {sessions.data && (sessions.data.items.length === 0 ? <p className="muted">No impersonation sessions.</p> : <SessionsTable items={sessions.data.items} />)}
    </section>
  );
}

function SessionsTable({ items }: { items: ImpersonationSession[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Impersonator</th>
          <th>Target</th>
          <th>Reason</th>
          <th>Started</th>
          <th>Ended / expires</th>
          <th>Duration</th>
          <th>End reason</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {items.map((s) => (
          <tr key={s.id} data-testid="impersonation-session-row" data-session-id={s.id}>
            <td>{s.impersonator.email ?? <code>{s.impersonator.id}</code>}</td>
            <td>{s.target.email ?? <code>{s.target.id}</code>}</td>
            <td>{s.reason}</td>
            <td><Time iso={s.started_at} /></td>
            <td>{s.ended_at ? <Time iso={s.ended_at} /> : <>expires <Time iso={s.expires_at} /></>}</td>
            <td>{formatDuration(s.duration_seconds)}</td>
            <td>{s.end_reason ?? '—'}</td>
            <td>{s.active ? <span className="badge ok">active</span> : <span className="badge">ended</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
