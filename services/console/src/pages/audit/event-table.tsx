import type { AuditEvent } from '../../api/audit';
import { readEventData } from '../../lib/event-data';
import { Time } from '../../components/ui';

const FRESH_STYLE = { background: 'var(--warn-bg)', transition: 'background 1s' };

export function EventTable({ events, fresh }: { events: AuditEvent[]; fresh: ReadonlySet<string> }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Time</th>
          <th>Type</th>
          <th>Actor</th>
          <th>Tenant</th>
          <th>Outcome</th>
          <th>Subject / target</th>
          <th>Sequence</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => {
          const isFresh = fresh.has(event.id);
          return (
            <tr key={event.id} data-testid="audit-row" data-type={event.type} data-fresh={isFresh || undefined} style={isFresh ? FRESH_STYLE : { transition: 'background 1s' }}>
              <td><Time iso={event.time} /></td>
              <td><code style={{ wordBreak: 'normal', whiteSpace: 'nowrap' }}>{event.type.replace(/^portcullis\./, '')}</code></td>
              <td><Actor event={event} /></td>
              <td>{event.tenantid ? <code>{event.tenantid}</code> : <span className="muted">platform</span>}</td>
              <td><Outcome outcome={readEventData(event.data).outcome} /></td>
              <td><Summary event={event} /></td>
              <td><code>{event.sequence}</code></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Actor({ event }: { event: AuditEvent }) {
  const { actor } = readEventData(event.data);
  return (
    <>
      {actor?.user_id ? <code>{actor.user_id}</code> : <span className="muted">anonymous</span>}
      {actor?.impersonator_id && (
        <div className="muted">
          impersonated by <code>{actor.impersonator_id}</code>
        </div>
      )}
      {actor?.ip && <div className="muted">{actor.ip}</div>}
    </>
  );
}

function Outcome({ outcome }: { outcome?: string }) {
  if (!outcome) return <span className="muted">—</span>;
  return <span className={`badge ${outcome === 'success' ? 'ok' : 'bad'}`}>{outcome}</span>;
}

/** The subject, the target's fields in one line, and the whole event on demand. */
function Summary({ event }: { event: AuditEvent }) {
  const data = readEventData(event.data);
  const target = Object.entries(data.target ?? {})
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([name, value]) => `${name}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ');
  return (
    <details>
      <summary>
        <code>{event.subject}</code>
        {target && <div className="muted">{target}</div>}
        {data.reason && <div>reason: {data.reason}</div>}
      </summary>
      <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: '0.8rem' }}>{JSON.stringify(event, null, 2)}</pre>
    </details>
  );
}
