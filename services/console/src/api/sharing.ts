import type { CreatedShare, PageOf, ResolvedShare, Share, ShareViewLogEntry } from '@portcullis/shared/contracts/views';
import { call } from './client';

/**
 * `CreatedShare`: the answer to a create, the only time the token (and the URL made of it) is shown.
 * `ResolvedShare`: what opening a link gives, the resource and a short-lived grant token (expiring at `expires_at`)
 * that authz accepts as the bearer.
 */
export type { CreatedShare, ResolvedShare, Share };

export type Visibility = Share['visibility'];

export interface NewShare {
  resource_type: string;
  resource_id: string;
  visibility: Visibility;
  expires_at?: string;
  max_views?: number;
  name?: string;
}

/** One opening of a link, from its view log. */
export type ShareViewEntry = ShareViewLogEntry;

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
