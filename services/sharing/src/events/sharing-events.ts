import { Outbox } from '@portcullis/shared/events';

export const SHARING_SERVICE = 'sharing';

/** The sharing event actions (`<entity>.<verb>`); the contract lists them. */
export const SharingEvent = {
  shareCreated: 'share.created',
  shareRevoked: 'share.revoked',
  shareAccessed: 'share.accessed',
  shareDenied: 'share.denied',
} as const;

export function createSharingOutbox(subjectPrefix: string, onCommitted: () => void): Outbox {
  return new Outbox(SHARING_SERVICE, subjectPrefix, onCommitted);
}
