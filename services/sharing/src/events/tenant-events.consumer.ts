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
  shares: ShareService;
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
 * Follows tenancy's tenant events on the audit stream (a durable consumer: none is missed while sharing is down) and
 * revokes every live link of a tenant that was disabled or deleted — once tenancy confirms the tenant is disabled or
 * gone (an event is only a hint). Acked only after the revocations commit.
 */
export function tenantEventsConsumer(options: TenantEventsOptions): DurableConsumer {
  const { nc, js, stream, durable, subjectPrefix, shares, tenants, logger } = options;
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
      const reason = event ? STOPPING_EVENTS[event.type] : undefined;
      if (event && reason && event.tenantid) {
        const tenant = await tenants.findById(event.tenantid);
        if (tenant && tenant.status === 'active') {
          logger.warn({ tenant_id: event.tenantid, type: event.type }, 'a tenant event says the tenant stopped, but tenancy says it is active; links kept');
          await msg.ackAck();
          return;
        }
        const revoked = await shares.revokeAllInTenant(event.tenantid, reason, event.data.actor, event.data.request_id);
        logger.info({ tenant_id: event.tenantid, reason, revoked }, 'links of a stopped tenant revoked');
      }
      await msg.ackAck();
    },
  });
}
