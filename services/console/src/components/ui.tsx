import { useState, type ReactNode } from 'react';
import { ApiError, describeError } from '../api/problem';

/** A problem from an API, shown where the action was; role=alert so screen readers (and tests) find it. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const status = error instanceof ApiError ? error.status : undefined;
  return (
    <div className="error" role="alert" data-status={status}>
      {error instanceof ApiError && <strong>{error.title}: </strong>}
      {describeError(error)}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return <div className="notice" role="status">{children}</div>;
}

export function Loading({ what }: { what: string }) {
  return <p className="muted">Loading {what}…</p>;
}

export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {hint && <small className="muted">{hint}</small>}
    </label>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

/** A destructive action confirmed by typing a name (hard delete, as GitHub does for repositories). */
export function ConfirmByTyping({ expected, action, onConfirm, busy }: { expected: string; action: string; onConfirm: () => void; busy?: boolean }) {
  const [typed, setTyped] = useState('');
  return (
    <form
      className="confirm"
      onSubmit={(event) => {
        event.preventDefault();
        if (typed === expected) onConfirm();
      }}
    >
      <Field label={`Type “${expected}” to confirm`}>
        <input value={typed} onChange={(e) => setTyped(e.target.value)} aria-label="confirmation" autoComplete="off" />
      </Field>
      <button type="submit" className="danger" disabled={typed !== expected || busy}>
        {action}
      </button>
    </form>
  );
}

export function Time({ iso }: { iso?: string | null }) {
  if (!iso) return <span className="muted">—</span>;
  const date = new Date(iso);
  return <time dateTime={iso} title={iso}>{date.toLocaleString()}</time>;
}

export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="page">
      <header className="page-header">
        <h1>{title}</h1>
        {actions && <div className="actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** A search box that restarts paging: typing a new query goes back to page 1. */
export function SearchField({ label, value, placeholder, onSearch }: { label: string; value: string; placeholder: string; onSearch: (q: string) => void }) {
  return (
    <Field label={label}>
      <input type="search" value={value} onChange={(e) => onSearch(e.target.value)} placeholder={placeholder} />
    </Field>
  );
}
