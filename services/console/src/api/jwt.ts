/** What the console reads from its own access token, for display only: the services verify it, not us. */
export interface TokenClaims {
  sub: string;
  exp: number;
  auth_time?: number;
  amr?: string[];
  sid?: string;
  act?: { sub: string };
}

export function readClaims(token: string): TokenClaims {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
  return JSON.parse(json) as TokenClaims;
}
