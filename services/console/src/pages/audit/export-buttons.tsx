import { useCallback } from 'react';
import { audit, type AuditFilters, type ExportFormat } from '../../api/audit';
import { ErrorBox } from '../../components/ui';
import { useAction } from '../../components/use-load';

/** The matching trail as a file: fetched with the bearer (a plain link could not send it), then saved from a Blob. */
export function ExportButtons({ filters }: { filters: AuditFilters }) {
  const download = useAction(
    useCallback(async (format: ExportFormat) => {
      const { blob, filename } = await audit.export(filters, format);
      save(blob, filename);
    }, [filters]),
  );
  return (
    <div>
      <div className="actions">
        <button type="button" className="secondary" disabled={download.busy} onClick={() => void download.run('ndjson')}>Export NDJSON</button>
        <button type="button" className="secondary" disabled={download.busy} onClick={() => void download.run('csv')}>Export CSV</button>
      </div>
      <ErrorBox error={download.error} />
    </div>
  );
}

function save(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The click starts the download synchronously; the URL can go once it has been handed over.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
