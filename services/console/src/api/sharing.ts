import { call } from './client';
import type { PageOf } from './users';

export type Visibility = 'tenant' | 'public';

export interface Share {
  id: string;
  tenant_id: string;
  resource_type: string;
  resource_id: string;
  visibility: Visibility;
  name: string | null;
  permissions: string[];
  status: 'active' | 'revoked' | 'expired' | 'exhausted';
  created_by: string;
  created_at: string;
  expires_at: string | null;
  max_views: number | null;
  view_count: number;
  revoked_at: string | null;
  revoked_reason: string | null;
}

/** The answer to a create: the only time the token (and the URL made of it) is shown. */
export interface CreatedShare extends Share {
  token: string;
  url: string;
}

export interface NewShare {
  resource_type: string;
  resource_id: string;
  visibility: Visibility;
  expires_at?: string;
  max_views?: number;
  name?: string;
}

export interface ShareViewEntry {
  id: string;
  viewer_user_id: string | null;
  anonymous: boolean;
  ip: string | null;
  user_agent: string | null;
  viewed_at: string;
}

/** What opening a link gives: the resource and a short-lived grant token that authz accepts as the bearer. */
export interface ResolvedShare {
  resource_type: string;
  resource_id: string;
  tenant_id: string;
  permissions: string[];
  grant_token: string;
  /** When the grant token expires. */
  expires_at: string;
  link_expires_at: string | null;
  views_left: number | null;
}

const sharesOf = (tenantId: string) => `/sharing/v1/tenants/${encodeURIComponent(tenantId)}/shares`;

export const sharing = {
  list: (tenantId: string, page = 1, pageSize = 50) =>
    call<PageOf<Share>>('GET', `${sharesOf(tenantId)}?${new URLSearchParams({ page: String(page), page_size: String(pageSize), sort: 'created_at:desc' })}`),
  create: (tenantId: string, share: NewShare) => call<CreatedShare>('POST', sharesOf(tenantId), { body: share }),
  revoke: (tenantId: string, shareId: string) => call<void>('DELETE', `${sharesOf(tenantId)}/${encodeURIComponent(shareId)}`),
  views: (tenantId: string, shareId: string) =>
    call<PageOf<ShareViewEntry>>('GET', `${sharesOf(tenantId)}/${encodeURIComponent(shareId)}/views?page_size=100`),
  /** Anonymous unless signed in: a `tenant` link needs a member's bearer, a public one needs none. */
  resolve: (token: string, signedIn: boolean) =>
    call<ResolvedShare>('GET', `/sharing/v1/s/${encodeURIComponent(token)}`, { anonymous: !signedIn }),
};
