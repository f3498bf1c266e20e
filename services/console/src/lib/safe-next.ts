/** Where to go after signing in: only a path of this console, never an absolute URL from the query (open redirect). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/tenants';
}
