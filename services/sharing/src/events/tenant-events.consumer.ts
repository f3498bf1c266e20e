import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { DurableConsumer, type AuditEvent } from '@portcullis/shared/events';
import type { Logger } from '@portcullis/shared/http';
import type { NatsConnection } from '@portcullis/shared/nats';
import type { ShareService } from '../services/share.service.js';
import type { TenantDirectory } from '../services/tenant-directory.js';

export interface TenantEventsOptions {
  nc: NatsConnection;
  js: JetStreamClient;
  stream: string;
  durable: string;
  subjectPrefix: string;
  shares: Pick<ShareService, 'revokeAllInTenant'>;
  /** Tenancy, asked whether the tenant really stopped: the event is a hint, tenancy's database the truth. */
  tenants: Pick<TenantDirectory, 'findById'>;
  logger: Logger;
}

/** The tenancy events after which a tenant's links must stop, and the reason each revocation records. */
const STOPPING_EVENTS: Record<string, string> = {
  'portcullis.tenancy.tenant.disabled': 'tenant_disabled',
  'portcullis.tenancy.tenant.deleted': 'tenant_deleted',
};

/**
 * What one tenant event does: when it says a tenant stopped and tenancy confirms it (disabled, or gone), every live link
 * of the tenant is revoked in one unit of work, each with its own `share.revoked`. Returns how many were revoked, or
 * undefined when the event asks nothing (another tenant event, or one tenancy contradicts).
 */
export async function stopLinksOfStoppedTenant(
  event: AuditEvent | undefined,
  { shares, tenants, logger }: Pick<TenantEventsOptions, 'shares' | 'tenants' | 'logger'>,
): Promise<number | undefined> {
  const reason = event ? STOPPING_EVENTS[event.type] : undefined;
  if (!event || !reason || !event.tenantid) return undefined;
  const tenant = await tenants.findById(event.tenantid);
  if (tenant && tenant.status === 'active') {
    logger.warn({ tenant_id: event.tenantid, type: event.type }, 'a tenant event says the tenant stopped, but tenancy says it is active; links kept');
    return undefined;
  }
  const revoked = await shares.revokeAllInTenant(event.tenantid, reason, event.data.actor, event.data.request_id);
  logger.info({ tenant_id: event.tenantid, reason, revoked }, 'links of a stopped tenant revoked');
  return revoked;
}

/**
 * Follows tenancy's tenant events on the audit stream (a durable consumer: none is missed while sharing is down) and
 * revokes every live link of a tenant that was disabled or deleted — once tenancy confirms the tenant is disabled or
 * gone (an event is only a hint). Acked only after the revocations commit.
 */
export function tenantEventsConsumer(options: TenantEventsOptions): DurableConsumer {
  const { nc, js, stream, durable, subjectPrefix, logger } = options;
  return new DurableConsumer({
    nc,
    js,
    stream,
    durable,
    filterSubject: `${subjectPrefix}audit.tenancy.tenant.>`,
    logger,
    async handle(msg: JsMsg) {
      let event: AuditEvent | undefined;
      try {
        event = msg.json<AuditEvent>();
      } catch {
        event = undefined;
      }
      // A throw (tenancy or the database unreachable) naks the message: it comes back, nothing was revoked.
      await stopLinksOfStoppedTenant(event, options);
      await msg.ackAck();
    },
  });
}
