import { useCallback, useEffect, useRef, useState } from 'react';
import { audit, type AuditEvent, type AuditFilters } from '../../api/audit';

const PAGE = 50;
const HIGHLIGHT_MS = 3000;

interface ListState {
  items: AuditEvent[];
  nextCursor: string | null;
  /** Which filters the first page was loaded for (a live tail resumes after its newest event only then). */
  loadedFor?: string;
  loading: boolean;
  error?: unknown;
}

/** The events matching `filters`, newest first: cursor pages appended, live ones merged in and briefly marked fresh. */
export function useEventList(filters: AuditFilters) {
  const key = JSON.stringify(filters);
  const [state, setState] = useState<ListState>({ items: [], nextCursor: null, loading: true });
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const latest = useRef(0);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());

  useEffect(() => {
    const mine = ++latest.current;
    setState({ items: [], nextCursor: null, loading: true });
    audit.events(filters, undefined, PAGE).then(
      (page) => mine === latest.current && setState((s) => ({ items: merge(s.items, page.items), nextCursor: page.next_cursor, loadedFor: key, loading: false })),
      (error: unknown) => mine === latest.current && setState((s) => ({ ...s, loading: false, error })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach(clearTimeout);
  }, []);

  const loadMore = useCallback(async () => {
    if (!state.nextCursor) return;
    const mine = latest.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    try {
      const page = await audit.events(filters, state.nextCursor, PAGE);
      if (mine === latest.current) setState((s) => ({ ...s, items: merge(s.items, page.items), nextCursor: page.next_cursor, loading: false }));
    } catch (error) {
      if (mine === latest.current) setState((s) => ({ ...s, loading: false, error }));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, state.nextCursor]);

  const addLive = useCallback((event: AuditEvent) => {
    setState((s) => ({ ...s, items: merge(s.items, [event]) }));
    setFresh((ids) => new Set(ids).add(event.id));
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      setFresh((ids) => {
        const next = new Set(ids);
        next.delete(event.id);
        return next;
      });
    }, HIGHLIGHT_MS);
    timers.current.add(timer);
  }, []);

  const newestSequence = state.loadedFor === key ? state.items[0]?.sequence : undefined;
  return { ...state, fresh, loadMore, addLive, newestSequence, ready: state.loadedFor === key };
}

/** Union by id, newest (highest sequence) first. */
function merge(existing: AuditEvent[], incoming: AuditEvent[]): AuditEvent[] {
  const known = new Set(existing.map((event) => event.id));
  const added = incoming.filter((event) => !known.has(event.id));
  return added.length ? [...existing, ...added].sort(newestFirst) : existing;
}

/** Sequences are decimal strings up to 2^63 − 1, beyond a Number's precision: compare by length, then digits. */
function newestFirst(a: AuditEvent, b: AuditEvent): number {
  if (a.sequence.length !== b.sequence.length) return b.sequence.length - a.sequence.length;
  return a.sequence < b.sequence ? 1 : a.sequence > b.sequence ? -1 : 0;
}
