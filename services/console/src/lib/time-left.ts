/** m:ss until an end, "ended" after it: the impersonation banner's countdown. */
export function formatTimeLeft(ms: number): string {
  if (ms <= 0) return 'ended';
  const seconds = Math.ceil(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}
