import type { Context } from 'koa';
import { Unauthorized } from '../http/errors.js';

/** Who is calling: the user, the session their token belongs to, and who is impersonating them, if anyone. */
export interface Principal {
  user_id: string;
  session_id: string;
  impersonator_id?: string;
  amr: string[];
  auth_time?: number;
  token_id: string;
  expires_at: number;
}

export function principalOf(ctx: Context): Principal {
  const principal = ctx.state.principal as Principal | undefined;
  if (!principal) throw new Unauthorized();
  return principal;
}
