import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import type { AuditContext, Principal } from '@portcullis/shared/auth';
import { assertAllowed, linkRules, tenantDomain, type Authorizer } from '@portcullis/shared/authz';
import type { Transaction, UnitOfWork } from '@portcullis/shared/db';
import type { Actor } from '@portcullis/shared/events';
import { Forbidden, InvalidRequest, NotFound } from '@portcullis/shared/http';
import type { Share, ShareVisibility } from '../entities/share.entity.js';
import type { ShareView } from '../entities/share-view.entity.js';
import { SharingEvent } from '../events/sharing-events.js';
import type { SharePageQuery, SharingRepositories } from '../repositories/index.js';
import { newShareToken } from './share-tokens.js';
import type { TenantDirectory } from './tenant-directory.js';

type Tx = Transaction<SharingRepositories>;

export interface NewShare {
  resource_type: string;
  resource_id: string;
  visibility: ShareVisibility;
  expires_at?: Date;
  max_views?: number;
  name?: string;
}

export interface ShareOptions {
  /** The furthest `expires_at` may lie ahead. */
  maxLifetimeMs: number;
  /** Base of a link's URL: `<publicUrl>/v1/s/<token>`. */
  publicUrl: string;
}

/** What a link lets its holder do to the resource. Reading is the one permission links give today. */
const LINK_PERMISSIONS = ['read'];
const TOKEN_ATTEMPTS = 3;

/**
 * Share links of a tenant: created by those the policy lets share the resource type, seen and revoked by their creator
 * or by whoever may manage the tenant's shares (tenant admins). Each live link is a rule in the central policy, written
 * in the unit of work that creates or revokes the link (and announced once it commits).
 */
export class ShareService {
  constructor(
    private readonly uow: UnitOfWork<SharingRepositories>,
    private readonly authorizer: Authorizer,
    private readonly tenants: Pick<TenantDirectory, 'findById'>,
    private readonly options: ShareOptions,
  ) {}

  linkUrl(token: string): string {
    return `${this.options.publicUrl.replace(/\/$/, '')}/v1/s/${token}`;
  }

  async create(tenantId: string, principal: Principal, input: NewShare, audit: AuditContext): Promise<{ share: Share; token: string }> {
    const domain = tenantDomain(tenantId);
    // The type named in the body is the object: whether it may be shared is the policy's call, not this code's.
    assertAllowed(this.authorizer, principal, domain, input.resource_type, 'share');
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant || tenant.status !== 'active') throw new NotFound();
    if (input.visibility === 'public' && !tenant.settings.allow_public_shares) {
      throw new Forbidden('This tenant does not allow public links; share with visibility "tenant".', 'public-shares-disabled');
    }
    this.assertExpiry(input.expires_at);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.insert(tenantId, principal, input, audit);
      } catch (error) {
        // A token collision (2^-256 per pair) is retried with a fresh token; anything else is not.
        if (!(error instanceof UniqueConstraintViolationException) || attempt >= TOKEN_ATTEMPTS) throw error;
      }
    }
  }

  async list(tenantId: string, principal: Principal, query: Omit<SharePageQuery, 'tenantId' | 'createdBy'>): Promise<{ items: Share[]; total: number }> {
    const everything = this.managesShares(principal, tenantId);
    return this.uow.read((repos) => repos.shares.page({ ...query, tenantId, ...(everything ? {} : { createdBy: principal.user_id }) }));
  }

  async get(tenantId: string, id: string, principal: Principal): Promise<Share> {
    const share = await this.uow.read((repos) => repos.shares.findInTenant(tenantId, id));
    return this.visible(share, principal);
  }

  /** Revoking twice is fine: the second time changes nothing. */
  async revoke(tenantId: string, id: string, principal: Principal, audit: AuditContext): Promise<void> {
    await this.uow.run(async (tx) => {
      const share = this.visible(await tx.repos.shares.lockInTenant(tenantId, id), principal);
      if (share.status !== 'active') return;
      await this.stop(tx, share, { by: principal.user_id, reason: 'revoked' }, audit.actor, audit.request_id);
    });
  }

  async views(tenantId: string, id: string, principal: Principal, page: number, pageSize: number): Promise<{ items: ShareView[]; total: number }> {
    await this.get(tenantId, id, principal);
    return this.uow.read((repos) => repos.views.page(tenantId, id, page, pageSize));
  }

  /** The tenant was disabled or deleted: every live link of it stops, each with its own `share.revoked` event. */
  async revokeAllInTenant(tenantId: string, reason: string, actor: Actor, requestId: string): Promise<number> {
    return this.uow.run(async (tx) => {
      const active = await tx.repos.shares.activeInTenant(tenantId);
      for (const share of active) await this.stop(tx, share, { by: null, reason }, actor, requestId);
      return active.length;
    });
  }

  private async insert(tenantId: string, principal: Principal, input: NewShare, audit: AuditContext): Promise<{ share: Share; token: string }> {
    const { token, hash } = newShareToken();
    const share = await this.uow.run(async (tx) => {
      const created = tx.repos.shares.create({
        id: uuidv7(),
        tenantId,
        resourceType: input.resource_type,
        resourceId: input.resource_id,
        visibility: input.visibility,
        name: input.name ?? null,
        tokenHash: hash,
        permissions: LINK_PERMISSIONS,
        createdBy: principal.user_id,
        createdAt: new Date(),
        expiresAt: input.expires_at ?? null,
        maxViews: input.max_views ?? null,
        viewCount: 0,
        status: 'active',
      });
      // The row first: a token collision fails here, before the policy is touched.
      await tx.flush();
      for (const rule of this.rulesOf(created)) await tx.policy.addLinkRule(rule);
      this.record(tx, SharingEvent.shareCreated, created, audit.actor, audit.request_id, {
        before: null,
        after: {
          resource: `${created.resourceType}:${created.resourceId}`,
          visibility: created.visibility,
          expires_at: created.expiresAt?.toISOString() ?? null,
          max_views: created.maxViews ?? null,
          permissions: created.permissions,
        },
      });
      return created;
    });
    return { share, token };
  }

  /** Stops a live link inside the caller's unit of work: its rules leave the policy, and `share.revoked` is recorded. */
  private async stop(tx: Tx, share: Share, how: { by: string | null; reason: string }, actor: Actor, requestId: string): Promise<void> {
    share.status = 'revoked';
    share.revokedAt = new Date();
    share.revokedBy = how.by;
    share.revokedReason = how.reason;
    for (const rule of this.rulesOf(share)) await tx.policy.removeLinkRule(rule);
    this.record(tx, SharingEvent.shareRevoked, share, actor, requestId, { before: { status: 'active' }, after: { status: 'revoked' } }, how.reason);
  }

  private rulesOf(share: Share): string[][] {
    return linkRules(share.id, share.tenantId, `${share.resourceType}:${share.resourceId}`, share.permissions);
  }

  private managesShares(principal: Principal, tenantId: string): boolean {
    return this.authorizer.isAllowed(principal, tenantDomain(tenantId), 'shares', 'manage');
  }

  /** Others' links are invisible to callers who may not manage the tenant's shares: 404, as if there were none. */
  private visible(share: Share | null, principal: Principal): Share {
    if (!share) throw new NotFound('No such share.');
    if (share.createdBy !== principal.user_id && !this.managesShares(principal, share.tenantId)) throw new NotFound('No such share.');
    return share;
  }

  private assertExpiry(expiresAt: Date | undefined): void {
    if (!expiresAt) return;
    const now = Date.now();
    if (expiresAt.getTime() <= now) throw new InvalidRequest('expires_at must be in the future.', [{ path: 'expires_at', message: 'must be in the future' }]);
    if (expiresAt.getTime() > now + this.options.maxLifetimeMs) {
      const days = Math.floor(this.options.maxLifetimeMs / 86_400_000);
      throw new InvalidRequest('expires_at is too far ahead.', [{ path: 'expires_at', message: `must be at most ${days} days ahead` }]);
    }
  }

  private record(tx: Tx, action: string, share: Share, actor: Actor, requestId: string, changes: { before: unknown; after: unknown }, reason?: string) {
    tx.record({
      action,
      subject: `tenant:${share.tenantId}/share:${share.id}`,
      tenantId: share.tenantId,
      data: {
        actor,
        outcome: 'success',
        target: { tenant_id: share.tenantId, share_id: share.id, resource_type: share.resourceType, resource_id: share.resourceId },
        changes,
        ...(reason ? { reason } : {}),
        request_id: requestId,
      },
    });
  }
}
