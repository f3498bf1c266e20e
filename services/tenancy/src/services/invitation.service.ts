import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { AuditContext } from '@portcullis/shared/auth';
import type { Transaction, UnitOfWork } from '@portcullis/shared/db';
import { Conflict, Forbidden, Gone, NotFound, type Logger } from '@portcullis/shared/http';
import type { Invitation } from '../entities/invitation.entity.js';
import type { Tenant } from '../entities/tenant.entity.js';
import { TenancyEvent } from '../events/tenancy-events.js';
import type { InvitationFilter, TenancyRepositories } from '../repositories/index.js';
import type { Mailer } from './mailer.js';
import type { MembershipService } from './membership.service.js';
import type { RoleCatalog } from './role-catalog.js';
import type { UserDirectory } from './user-directory.js';

export interface InvitationOptions {
  ttlMs: number;
  /** Base of the accept link in the mail. */
  appUrl: string;
}

/** 256 random bits, base64url; only its SHA-256 is stored. */
function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** A created or resent invitation: its token (for development without SMTP only) and whether the mail went out. */
export interface Issued {
  invitation: Invitation;
  token: string;
  mailed: boolean;
}

/** Invitations into a tenant: created, resent and revoked by tenant admins; accepted by the invited person. */
export class InvitationService {
  constructor(
    private readonly uow: UnitOfWork<TenancyRepositories>,
    private readonly roles: RoleCatalog,
    private readonly memberships: MembershipService,
    private readonly directory: Pick<UserDirectory, 'findById'>,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly options: InvitationOptions,
  ) {}

  /** A new invitation replaces a pending one to the same email; inviting a member is 409. The token is returned once. */
  async create(tenantId: string, input: { email: string; roles: string[] }, audit: AuditContext): Promise<Issued> {
    const roles = this.roles.assertTenantRoles(input.roles);
    const email = normalizeEmail(input.email);
    const { token, hash } = newToken();
    const { invitation, tenant } = await this.uow.run(async (tx) => {
      const tenant = await this.memberships.lockActiveTenant(tx, tenantId);
      if (await tx.repos.members.findByEmail(tenantId, email)) throw new Conflict('This email already belongs to a member of the tenant.', 'already-member');
      const invitations = tx.repos.invitations;
      const pending = await invitations.findPending(tenantId, email);
      if (pending) {
        pending.status = 'replaced';
        pending.updatedAt = new Date();
        // The partial unique index allows one pending invitation per email: write the replacement first.
        await tx.flush();
      }
      const created = invitations.create({
        id: uuidv7(),
        tenantId,
        email,
        roles,
        tokenHash: hash,
        invitedBy: audit.actor.user_id,
        expiresAt: new Date(Date.now() + this.options.ttlMs),
      });
      this.record(tx, TenancyEvent.invitationCreated, created, audit, {
        before: pending ? { replaced_invitation_id: pending.id } : null,
        after: { email, roles, expires_at: created.expiresAt.toISOString() },
      });
      return { invitation: created, tenant };
    });
    return { invitation, token, mailed: await this.mail(invitation, tenant, token) };
  }

  list(tenantId: string, status: InvitationFilter, page: number, pageSize: number) {
    return this.uow.read((repos) => repos.invitations.page(tenantId, status, page, pageSize));
  }

  /** A new token and a new expiry for a pending (or expired) invitation; the old token stops working. */
  async resend(tenantId: string, id: string, audit: AuditContext): Promise<Issued> {
    const { token, hash } = newToken();
    const { invitation, tenant } = await this.uow.run(async (tx) => {
      const tenant = await this.memberships.lockActiveTenant(tx, tenantId);
      const invitation = await tx.repos.invitations.find(tenantId, id);
      if (!invitation) throw new NotFound('No such invitation.');
      if (invitation.status !== 'pending') throw new Conflict(`The invitation is ${invitation.status}; only a pending one can be resent.`);
      invitation.tokenHash = hash;
      invitation.expiresAt = new Date(Date.now() + this.options.ttlMs);
      invitation.updatedAt = new Date();
      this.record(tx, TenancyEvent.invitationResent, invitation, audit, { before: null, after: { expires_at: invitation.expiresAt.toISOString() } });
      return { invitation, tenant };
    });
    return { invitation, token, mailed: await this.mail(invitation, tenant, token) };
  }

  async revoke(tenantId: string, id: string, audit: AuditContext): Promise<void> {
    await this.uow.run(async (tx) => {
      const invitation = await tx.repos.invitations.find(tenantId, id);
      if (!invitation) throw new NotFound('No such invitation.');
      if (invitation.status === 'revoked') return;
      if (invitation.status !== 'pending') throw new Conflict(`The invitation is ${invitation.status}; only a pending one can be revoked.`);
      invitation.status = 'revoked';
      invitation.updatedAt = new Date();
      this.record(tx, TenancyEvent.invitationRevoked, invitation, audit, { before: { status: 'pending' }, after: { status: 'revoked' } });
    });
  }

  /** What a valid token invites to (identity's sign-up asks this); 404 unknown, 410 used, revoked or expired. */
  async peek(token: string): Promise<{ email: string; tenant_id: string; roles: string[] }> {
    const invitation = await this.uow.read((repos) => repos.invitations.findByTokenHash(hashToken(token)));
    this.assertUsable(invitation);
    return { email: invitation!.email, tenant_id: invitation!.tenantId, roles: invitation!.roles };
  }

  /** Single use: the invitation row is locked while it is accepted. The user's email must be the invited one. */
  async accept(token: string, userId: string, audit: AuditContext): Promise<{ tenant_id: string; roles: string[] }> {
    const user = await this.directory.findById(userId);
    if (!user) throw new NotFound('No such user.');
    return this.uow.run(async (tx) => {
      const invitation = await tx.repos.invitations.findByTokenHashForUpdate(hashToken(token));
      this.assertUsable(invitation);
      if (normalizeEmail(user.email) !== invitation!.email) throw new Forbidden('This invitation was sent to another email address.', 'wrong-invitee');
      await this.memberships.lockActiveTenant(tx, invitation!.tenantId).catch((error: unknown) => {
        throw error instanceof Conflict || error instanceof NotFound ? new Gone('The tenant of this invitation no longer exists.') : error;
      });
      await this.memberships.addOrExtend(tx, invitation!.tenantId, user, invitation!.roles, audit);
      invitation!.status = 'accepted';
      invitation!.acceptedAt = new Date();
      invitation!.acceptedBy = user.id;
      invitation!.updatedAt = invitation!.acceptedAt;
      this.record(tx, TenancyEvent.invitationAccepted, invitation!, audit, { before: { status: 'pending' }, after: { status: 'accepted', user_id: user.id } });
      return { tenant_id: invitation!.tenantId, roles: invitation!.roles };
    });
  }

  private assertUsable(invitation: Invitation | null): asserts invitation is Invitation {
    if (!invitation) throw new NotFound('No such invitation.');
    if (invitation.status !== 'pending') throw new Gone(`The invitation has been ${invitation.status === 'replaced' ? 'replaced by a newer one' : invitation.status}.`);
    if (invitation.expiresAt <= new Date()) throw new Gone('The invitation has expired.');
  }

  /** Where the invited person accepts: the console's page, with the token. */
  acceptUrl(token: string): string {
    return `${this.options.appUrl.replace(/\/$/, '')}/invitations/accept?token=${encodeURIComponent(token)}`;
  }

  /** Sends the link to the invited address; false when the mail could not be sent (a resend tries again). */
  private async mail(invitation: Invitation, tenant: Tenant, token: string): Promise<boolean> {
    const link = this.acceptUrl(token);
    try {
      await this.mailer.send({
        to: invitation.email,
        subject: `You are invited to ${tenant.name}`,
        text: `You have been invited to join ${tenant.name} as ${invitation.roles.join(', ')}.\n\nAccept: ${link}\n\nThe invitation expires at ${invitation.expiresAt.toISOString()}.\n`,
      });
    } catch (error) {
      // The invitation stands (resend mails a new link); only this mail failed.
      this.logger.warn({ err: error, invitation_id: invitation.id }, 'could not send the invitation mail');
      return false;
    }
    return true;
  }

  private record(tx: Transaction<TenancyRepositories>, action: string, invitation: Invitation, audit: AuditContext, changes: { before: unknown; after: unknown }): void {
    tx.record({
      action,
      subject: `tenant:${invitation.tenantId}/invitation:${invitation.id}`,
      tenantId: invitation.tenantId,
      data: {
        actor: audit.actor,
        outcome: 'success',
        target: { tenant_id: invitation.tenantId, invitation_id: invitation.id, email: invitation.email },
        changes,
        request_id: audit.request_id,
      },
    });
  }
}
