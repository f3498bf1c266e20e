export function StatusBadge({ status }: { status: string }) {
  const tone = status === 'active' || status === 'accepted' ? 'ok' : status === 'pending' ? '' : 'bad';
  return <span className={`badge ${tone}`.trim()}>{status}</span>;
}
