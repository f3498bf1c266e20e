import { Outbox } from '@portcullis/shared/events';
import { AUTHZ_SERVICE, AuthzEvent } from '@portcullis/shared/contracts';

// The event names live in the shared contracts (the audit service's catalogue and the docs read them there).
export { AUTHZ_SERVICE, AuthzEvent };

export function createAuthzOutbox(subjectPrefix: string, onCommitted: () => void = () => {}): Outbox {
  return new Outbox(AUTHZ_SERVICE, subjectPrefix, onCommitted);
}
