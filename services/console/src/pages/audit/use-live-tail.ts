import { useEffect, useRef, useState } from 'react';
import { tailEvents, type AuditEvent, type AuditFilters, type TailStatus } from '../../api/audit';

/**
 * While `enabled`, follows the stream for `filters` and hands each event to `onEvent`. It starts once the list for
 * the same filters is `ready`, resuming after its newest event so nothing stored in between is missed.
 */
export function useLiveTail(enabled: boolean, ready: boolean, filters: AuditFilters, since: string | undefined, onEvent: (event: AuditEvent) => void) {
  const [status, setStatus] = useState<TailStatus>('connecting');
  const [error, setError] = useState<unknown>();
  const key = JSON.stringify(filters);
  // Read when the stream starts, not a reason to restart it.
  const latest = useRef({ since, onEvent });
  useEffect(() => {
    latest.current = { since, onEvent };
  });

  const running = enabled && ready;
  useEffect(() => {
    if (!running) return;
    const stop = new AbortController();
    void tailEvents(
      filters,
      latest.current.since,
      {
        onEvent: (event) => latest.current.onEvent(event),
        onStatus: (next) => {
          if (stop.signal.aborted) return;
          setStatus(next);
          if (next === 'connecting') setError(undefined);
        },
        onFatal: (caught) => !stop.signal.aborted && setError(caught),
      },
      stop.signal,
    );
    return () => stop.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [running, key]);

  return { status: running ? status : ('off' as const), error: running ? error : undefined };
}
