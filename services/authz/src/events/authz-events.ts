import { Outbox } from '@portcullis/shared/events';

export const AUTHZ_SERVICE = 'authz';

export const AuthzEvent = {
  policyApplied: 'policy.applied',
} as const;

export function createAuthzOutbox(subjectPrefix: string, onCommitted: () => void = () => {}): Outbox {
  return new Outbox(AUTHZ_SERVICE, subjectPrefix, onCommitted);
}
