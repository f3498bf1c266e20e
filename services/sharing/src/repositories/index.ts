import type { EntityManager } from '@mikro-orm/postgresql';
import { ShareRepository, type Shares } from './share.repository.js';
import { ShareViewRepository, type ShareViews } from './share-view.repository.js';

/** What sharing's unit of work hands its services. */
export interface SharingRepositories {
  shares: Shares;
  views: ShareViews;
}

export const sharingRepositories = (em: EntityManager): SharingRepositories => ({
  shares: new ShareRepository(em),
  views: new ShareViewRepository(em),
});

export type { Shares, SharePageQuery, ShareSortField, ResolvableShare, CountedView } from './share.repository.js';
export type { ShareViews } from './share-view.repository.js';
