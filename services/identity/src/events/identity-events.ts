import { Outbox } from '@portcullis/shared/events';
import { IDENTITY_SERVICE, IdentityEvent } from '@portcullis/shared/contracts';

// The event names live in the shared contracts (the audit service's catalogue and the docs read them there).
export { IDENTITY_SERVICE, IdentityEvent };

export function createIdentityOutbox(subjectPrefix: string, onCommitted: () => void): Outbox {
  return new Outbox(IDENTITY_SERVICE, subjectPrefix, onCommitted);
}
