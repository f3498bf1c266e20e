// Who may publish and subscribe to what on NATS: each service only on the subjects it owns or needs. Rendered into
// the nats-server authorization config (auth-config.ts); the attack tests run against that config.
import {
  auditSubjectsOf,
  inboxPrefixOf,
  INVITATIONS_ACCEPT,
  INVITATIONS_PEEK,
  POLICY_CHANGED,
  REVOCATIONS_PENDING,
  TENANTS_GET,
  USERS_BY_EMAIL,
  USERS_GET,
} from '@portcullis/shared/contracts';

export const SERVICE_USERS = ['identity', 'tenancy', 'sharing', 'audit', 'authz'] as const;
/** Services, an outside audit consumer (a SIEM forwarder, examples/audit-tail.ts), and the operator (provisioning, tools). */
export const NATS_USERS = [...SERVICE_USERS, 'audit-reader', 'operator'] as const;
export type NatsUser = (typeof NATS_USERS)[number];

export interface NatsAuthOptions {
  /** The services' NATS_SUBJECT_PREFIX; `any` admits every one-token prefix (a test run, whose suites take their own). */
  prefix: string | 'any';
  /** The audit stream (AUDIT_STREAM), or `any`. */
  stream: string;
  /** The revoked-sessions KV bucket (REVOKED_SESSIONS_BUCKET), or `any`. */
  bucket: string;
  /** The durable consumers' names: audit's store, sharing's tenant events, the outside reader's; `any` in a test run. */
  durables: { audit: string; sharing: string; reader: string } | 'any';
}

export const DEFAULT_NATS_AUTH: NatsAuthOptions = {
  prefix: '',
  stream: 'AUDIT',
  bucket: 'revoked_sessions',
  durables: { audit: 'audit-store', sharing: 'sharing-tenant-events', reader: 'audit-tail' },
};

export const ANY = 'any';

export interface Permissions {
  publish: string[];
  subscribe: string[];
  /** May answer requests it received (reply to the requester's inbox, once). */
  allowResponses?: boolean;
}

/** The permissions of every user; the operator has none listed (it may do everything). */
export function natsPermissions(options: NatsAuthOptions): Record<Exclude<NatsUser, 'operator'>, Permissions> {
  const subject = (name: string): string[] => (options.prefix === ANY ? [name, `*.${name}`] : [`${options.prefix}${name}`]);
  const token = (value: string) => (value === ANY ? '*' : value);
  const stream = token(options.stream);
  const kvStream = options.bucket === ANY ? '*' : `KV_${options.bucket}`;
  const bucket = token(options.bucket);
  const durable = (name: 'audit' | 'sharing' | 'reader') => (options.durables === ANY ? '*' : options.durables[name]);

  const inbox = (name: string) => [`${inboxPrefixOf(name)}.>`];
  /** A durable pull consumer of its own on the audit stream, filtered to `filter` (the filter is part of the create subject). */
  const durableConsumer = (name: 'audit' | 'sharing' | 'reader', filter: string) => [
    ...subject(filter).map((f) => `$JS.API.CONSUMER.CREATE.${stream}.${durable(name)}.${f}`),
    `$JS.API.CONSUMER.INFO.${stream}.${durable(name)}`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable(name)}`,
    `$JS.ACK.${stream}.${durable(name)}.>`,
  ];
  /** Every service follows the revoked sessions (a KV watch is an ordered consumer on the bucket's stream). */
  const followRevocations = [
    `$JS.API.STREAM.INFO.${kvStream}`,
    `$JS.API.CONSUMER.CREATE.${kvStream}.>`,
    `$JS.API.CONSUMER.DELETE.${kvStream}.>`,
    `$JS.FC.${kvStream}.>`,
  ];
  const common = (name: string): Permissions => ({
    publish: ['$JS.API.INFO', ...followRevocations, ...subject(REVOCATIONS_PENDING), ...subject(auditSubjectsOf(name))],
    subscribe: [...inbox(name), ...subject(POLICY_CHANGED)],
  });
  const merge = (base: Permissions, extra: Partial<Permissions>): Permissions => ({
    publish: [...base.publish, ...(extra.publish ?? [])],
    subscribe: [...base.subscribe, ...(extra.subscribe ?? [])],
    ...(extra.allowResponses ? { allowResponses: true } : {}),
  });

  return {
    identity: merge(common('identity'), {
      publish: [
        // Only identity writes revocations, and creates (or widens) their bucket.
        `$KV.${bucket}.>`,
        `$JS.API.STREAM.CREATE.${kvStream}`,
        `$JS.API.STREAM.UPDATE.${kvStream}`,
        ...subject(POLICY_CHANGED),
        ...subject(INVITATIONS_PEEK),
        ...subject(INVITATIONS_ACCEPT),
      ],
      subscribe: [...subject(USERS_GET), ...subject(USERS_BY_EMAIL), ...subject(REVOCATIONS_PENDING)],
      allowResponses: true,
    }),
    tenancy: merge(common('tenancy'), {
      publish: [...subject(POLICY_CHANGED), ...subject(USERS_GET), ...subject(USERS_BY_EMAIL)],
      subscribe: [...subject(INVITATIONS_PEEK), ...subject(INVITATIONS_ACCEPT), ...subject(TENANTS_GET)],
      allowResponses: true,
    }),
    sharing: merge(common('sharing'), {
      publish: [
        ...subject(POLICY_CHANGED),
        ...subject(TENANTS_GET),
        `$JS.API.STREAM.INFO.${stream}`,
        // Tenancy's tenant events only (links stop with their tenant).
        ...durableConsumer('sharing', 'audit.tenancy.tenant.>'),
      ],
    }),
    audit: merge(common('audit'), {
      // The audit trail's owner creates its stream and reads all of it.
      publish: [`$JS.API.STREAM.CREATE.${stream}`, `$JS.API.STREAM.INFO.${stream}`, ...durableConsumer('audit', 'audit.>')],
    }),
    // authz (and the policy command) announce policy.csv changes.
    authz: merge(common('authz'), { publish: subject(POLICY_CHANGED) }),
    'audit-reader': {
      publish: ['$JS.API.INFO', `$JS.API.STREAM.INFO.${stream}`, ...durableConsumer('reader', 'audit.>')],
      subscribe: inbox('audit-reader'),
    },
  };
}
