import type { PageOf, User, UserDetail } from '@portcullis/shared/contracts/views';
import { call } from './client';

export type { PageOf, User, UserDetail };

/** The platform's user directory (platform admins): for pickers by email or name. */
export const users = {
  search: (q: string, pageSize = 10) => call<PageOf<User>>('GET', `/identity/v1/users?${new URLSearchParams({ q, page_size: String(pageSize) })}`),
  /** One user, with the platform roles they hold. */
  get: (id: string) => call<UserDetail>('GET', `/identity/v1/users/${encodeURIComponent(id)}`),
};
