import { useState } from 'react';
import { audit, type ChainCheck } from '../../api/audit';
import { ErrorBox } from '../../components/ui';
import { useAction } from '../../components/use-load';

/** Recomputes the tamper-evident hash chain over the whole trail (platform-wide readers only). */
export function VerifyChain() {
  const [result, setResult] = useState<ChainCheck>();
  const verify = useAction(async () => {
    setResult(undefined);
    setResult(await audit.verify());
  });
  return (
    <div>
      <div className="actions">
        <button type="button" className="secondary" disabled={verify.busy} onClick={() => void verify.run()}>
          {verify.busy ? 'Verifying…' : 'Verify chain'}
        </button>
      </div>
      <ErrorBox error={verify.error} />
      {result && <ChainResult result={result} />}
    </div>
  );
}

function ChainResult({ result }: { result: ChainCheck }) {
  return (
    <p data-testid="verify-result" data-ok={result.ok}>
      <span className={`badge ${result.ok ? 'ok' : 'bad'}`}>{result.ok ? 'chain intact' : 'chain broken'}</span>{' '}
      <span data-testid="verify-checked">{result.checked}</span> events checked
      {result.first_sequence && result.last_sequence && (
        <span className="muted"> (sequences {result.first_sequence}–{result.last_sequence})</span>
      )}
      {!result.ok && (
        <>
          . First invalid: <code data-testid="verify-first-invalid">{result.first_invalid_id ?? '—'}</code>
          {result.first_invalid_sequence && <> at sequence <code>{result.first_invalid_sequence}</code></>}
          {result.reason && <> — {result.reason.replace(/_/g, ' ')}</>}
        </>
      )}
    </p>
  );
}
