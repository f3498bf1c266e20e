import { Outbox } from '@portcullis/shared/events';
import { TENANCY_SERVICE, TenancyEvent } from '@portcullis/shared/contracts';

// The event names live in the shared contracts (the audit service's catalogue and the docs read them there).
export { TENANCY_SERVICE, TenancyEvent };

export function createTenancyOutbox(subjectPrefix: string, onCommitted: () => void): Outbox {
  return new Outbox(TENANCY_SERVICE, subjectPrefix, onCommitted);
}
