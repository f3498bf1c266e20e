// The NATS subjects Portcullis uses, named once: services publish and answer on them, and the NATS authorization
// config (deploy/nats) grants each service exactly the ones it needs. Every subject takes the deployment's prefix.

/** "Policy version V exists": a hint to re-read the policy changes from Postgres (it carries no rule). */
export const POLICY_CHANGED = 'authz.policy.changed';

/** Request/reply: identity answers questions about users (tenancy asks). */
export const USERS_GET = 'identity.users.get';
export const USERS_BY_EMAIL = 'identity.users.by_email';

/**
 * Request/reply: identity says how many revocations it has committed but not yet published. A service that lost NATS
 * trusts its revoked-sessions list again only once this is 0 and it has re-read the bucket.
 */
export const REVOCATIONS_PENDING = 'identity.revocations.pending';

/** Request/reply: tenancy answers identity's sign-up by invitation, and sharing's questions about tenants. */
export const INVITATIONS_PEEK = 'tenancy.invitations.peek';
export const INVITATIONS_ACCEPT = 'tenancy.invitations.accept';
export const TENANTS_GET = 'tenancy.tenants.get';

/** Each service publishes its audit events under `audit.<service>.` and nowhere else. */
export function auditSubjectsOf(service: string): string {
  return `audit.${service}.>`;
}

/** The subject with the deployment's prefix (`''`, or one token and a dot, such as `t1234.`). */
export function withPrefix(prefix: string, subject: string): string {
  return `${prefix}${subject}`;
}

/** The inbox a service's connection receives replies on: its own, so no service can read another's replies. */
export function inboxPrefixOf(name: string): string {
  return `_INBOX_${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
