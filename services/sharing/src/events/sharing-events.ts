import { Outbox } from '@portcullis/shared/events';
import { SHARING_SERVICE, SharingEvent } from '@portcullis/shared/contracts';

// The event names live in the shared contracts (the audit service's catalogue and the docs read them there).
export { SHARING_SERVICE, SharingEvent };

export function createSharingOutbox(subjectPrefix: string, onCommitted: () => void): Outbox {
  return new Outbox(SHARING_SERVICE, subjectPrefix, onCommitted);
}
