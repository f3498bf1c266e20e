import { call } from './client';

export interface User {
  id: string;
  email: string;
  name: string;
  status: string;
  created_at: string;
}

export interface PageOf<T> {
  items: T[];
  page: number;
  page_size: number;
  total: number;
}

/** The platform's user directory (platform admins): for pickers by email or name. */
export const users = {
  search: (q: string, pageSize = 10) => call<PageOf<User>>('GET', `/identity/v1/users?${new URLSearchParams({ q, page_size: String(pageSize) })}`),
  get: (id: string) => call<User>('GET', `/identity/v1/users/${encodeURIComponent(id)}`),
};
