import { Outbox } from '@portcullis/shared/events';

export const IDENTITY_SERVICE = 'identity';

/** The identity event actions (`<entity>.<verb>`) this service publishes. */
export const IdentityEvent = {
  userCreated: 'user.created',
  userUpdated: 'user.updated',
  userDisabled: 'user.disabled',
  userDeleted: 'user.deleted',
  passwordChanged: 'password.changed',
  mfaEnrolled: 'mfa.enrolled',
  mfaDisabled: 'mfa.disabled',
  loginSucceeded: 'login.succeeded',
  loginFailed: 'login.failed',
  loginLocked: 'login.locked',
  loginUnlocked: 'login.unlocked',
  sessionRevoked: 'session.revoked',
  refreshReused: 'refresh.reused',
  impersonationStarted: 'impersonation.started',
  impersonationEnded: 'impersonation.ended',
} as const;

export function createIdentityOutbox(subjectPrefix: string, onCommitted: () => void): Outbox {
  return new Outbox(IDENTITY_SERVICE, subjectPrefix, onCommitted);
}
