import { useState } from 'react';
import { sharing } from '../api/sharing';
import { ErrorBox, Loading } from '../components/ui';
import { useLoad } from '../components/use-load';
import { CreateShareForm } from './shares/create-share-form';
import { ShareTable } from './shares/share-table';

const PAGE_SIZE = 50;

/** A tenant's share links: the caller's own (a tenant admin sees everyone's). */
export function SharesPanel({ tenantId }: { tenantId: string }) {
  const [page, setPage] = useState(1);
  const shares = useLoad(() => sharing.list(tenantId, page, PAGE_SIZE), [tenantId, page]);
  const pages = Math.max(1, Math.ceil((shares.data?.total ?? 0) / PAGE_SIZE));
  return (
    <>
      <CreateShareForm tenantId={tenantId} onCreated={() => (page === 1 ? shares.reload() : setPage(1))} />
      <section className="card">
        <div className="page-header">
          <h2>Share links</h2>
          <button type="button" className="secondary" onClick={shares.reload} disabled={shares.loading}>Refresh</button>
        </div>
        {shares.loading && !shares.data && <Loading what="share links" />}
        <ErrorBox error={shares.error} />
        {shares.data && <ShareTable tenantId={tenantId} shares={shares.data.items} onChanged={shares.reload} />}
        {pages > 1 && (
          <div className="actions">
            <button type="button" className="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>Previous page</button>
            <span className="muted">Page {page} of {pages}</span>
            <button type="button" className="secondary" disabled={page >= pages} onClick={() => setPage(page + 1)}>Next page</button>
          </div>
        )}
      </section>
    </>
  );
}
