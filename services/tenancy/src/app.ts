import type Koa from 'koa';
import { authenticate, TokenVerifier } from '@portcullis/shared/auth';
import { accessGuards } from '@portcullis/shared/authz';
import { OrmUnitOfWork } from '@portcullis/shared/db';
import { createHttpApp, type Logger } from '@portcullis/shared/http';
import type { ServiceRuntime } from '@portcullis/shared/runtime';
import { invitationLinkInResponse, type TenancyConfig } from './config.js';
import { startInvitationResponder } from './events/invitation.responder.js';
import { startTenantLookupResponder } from './events/tenant-lookup.responder.js';
import { createTenancyOutbox, TENANCY_SERVICE } from './events/tenancy-events.js';
import { tenancyRepositories } from './repositories/index.js';
import { tenancyRouters } from './routes/index.js';
import { InvitationService } from './services/invitation.service.js';
import { OutboxFolderMailer, SmtpMailer, type Mailer } from './services/mailer.js';
import { MembershipService } from './services/membership.service.js';
import { RoleCatalog } from './services/role-catalog.js';
import { TenantService } from './services/tenant.service.js';
import { UserDirectory } from './services/user-directory.js';

export interface TenancyApp {
  app: Koa;
  tenants: TenantService;
  members: MembershipService;
  invitations: InvitationService;
  stop: () => void;
}

/** Wires tenancy's services and routes onto a runtime; starts nothing that listens on a port. */
export function buildTenancyApp(config: TenancyConfig, runtime: ServiceRuntime, logger: Logger, mailer?: Mailer): TenancyApp {
  const verifier = new TokenVerifier({ issuer: config.TOKEN_ISSUER, audience: config.ACCESS_TOKEN_AUDIENCE, keys: new URL(config.IDENTITY_JWKS_URL) });
  const requireAuth = authenticate(verifier, runtime.sessionChecks);
  const outbox = createTenancyOutbox(config.NATS_SUBJECT_PREFIX, () => runtime.relay.wake());
  const directory = new UserDirectory(runtime.nc, config.NATS_SUBJECT_PREFIX);
  const roles = new RoleCatalog(runtime.policy);
  const mail = mailer ?? (config.SMTP_URL ? new SmtpMailer(config.SMTP_URL, config.MAIL_FROM) : new OutboxFolderMailer(config.MAIL_OUTBOX_DIR, config.MAIL_FROM, logger));
  const uow = new OrmUnitOfWork({ orm: runtime.orm, repositories: tenancyRepositories, outbox, grants: runtime.grants });
  const tenants = new TenantService(uow, runtime.authorizer);
  const members = new MembershipService(uow, roles, directory);
  const invitations = new InvitationService(uow, roles, members, directory, mail, logger, {
    ttlMs: config.INVITATION_TTL,
    appUrl: config.APP_URL,
  });
  const { app } = createHttpApp({
    service: TENANCY_SERVICE,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    logger,
    orm: runtime.orm,
    readiness: runtime.readiness,
    routers: tenancyRouters({ tenants, members, invitations, roles }, accessGuards(requireAuth, runtime.authorizer), invitationLinkInResponse(config)),
  });
  const responders = [
    startInvitationResponder(runtime.nc, invitations, config.NATS_SUBJECT_PREFIX, logger),
    startTenantLookupResponder(runtime.nc, tenants, config.NATS_SUBJECT_PREFIX, logger),
  ];
  return { app, tenants, members, invitations, stop: () => responders.forEach((r) => r.stop()) };
}
