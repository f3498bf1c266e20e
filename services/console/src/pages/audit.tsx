import { useState } from 'react';
import type { AuditFilters } from '../api/audit';
import { ApiError } from '../api/problem';
import { ErrorBox, Field, Loading, Page } from '../components/ui';
import { EventTable } from './audit/event-table';
import { ExportButtons } from './audit/export-buttons';
import { FilterForm } from './audit/filter-form';
import { useEventList } from './audit/use-event-list';
import { useLiveTail } from './audit/use-live-tail';
import { VerifyChain } from './audit/verify-chain';

/** The audit trail: filtered pages, a live tail, exports and the hash-chain check. */
export function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>({});
  const [tailing, setTailing] = useState(false);
  const list = useEventList(filters);
  // A failed list does not keep the tail from trying on its own.
  const live = useLiveTail(tailing, list.ready || Boolean(list.error), filters, list.newestSequence, list.addLive);
  const forbidden = list.error instanceof ApiError && list.error.status === 403;
  return (
    <Page title="Audit trail">
      <FilterForm onApply={setFilters} />
      <section className="card">
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <div className="row">
            <Field label="Live tail">
              <input type="checkbox" checked={tailing} onChange={(event) => setTailing(event.target.checked)} />
            </Field>
            {tailing && (
              <span className={`badge ${live.status === 'live' ? 'ok' : live.status === 'stopped' ? 'bad' : ''}`} data-testid="live-status" role="status">
                {live.status === 'off' ? 'waiting for the list' : live.status}
              </span>
            )}
          </div>
          <div className="row">
            <ExportButtons filters={filters} />
            <VerifyChain />
          </div>
        </div>
        <ErrorBox error={live.error} />
      </section>
      <section className="card">
        {list.items.length === 0 && <ErrorBox error={list.error} />}
        {forbidden && (
          <p className="muted">
            Reading the audit trail needs the audit read permission: platform admins and auditors read all of it, tenant admins their tenants’ events.
          </p>
        )}
        {list.loading && list.items.length === 0 && <Loading what="events" />}
        {!list.loading && !list.error && list.items.length === 0 && <p className="muted">No events match these filters.</p>}
        {list.items.length > 0 && <EventTable events={list.items} fresh={list.fresh} />}
        {list.items.length > 0 && <ErrorBox error={list.error} />}
        {list.nextCursor && (
          <div className="actions" style={{ marginTop: '0.75rem' }}>
            <button type="button" className="secondary" disabled={list.loading} onClick={() => void list.loadMore()}>
              {list.loading ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </section>
    </Page>
  );
}
