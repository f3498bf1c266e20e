import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import type { AuditContext, Principal } from '@portcullis/shared/auth';
import { assertAllowed, linkRules, tenantDomain, type Authorizer, type GrantWriter, type PolicyChange } from '@portcullis/shared/authz';
import type { Actor, Outbox } from '@portcullis/shared/events';
import { Forbidden, InvalidRequest, NotFound } from '@portcullis/shared/http';
import type { Share, ShareVisibility } from '../entities/share.entity.js';
import type { ShareView } from '../entities/share-view.entity.js';
import { SharingEvent } from '../events/sharing-events.js';
import { ShareRepository, type SharePageQuery } from '../repositories/share.repository.js';
import { ShareViewRepository } from '../repositories/share-view.repository.js';
import { newShareToken } from './share-tokens.js';
import type { TenantDirectory } from './tenant-directory.js';

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
 * or by whoever may manage the tenant's shares (tenant admins). Each live link is a rule in the central policy.
 */
export class ShareService {
  constructor(
    private readonly orm: MikroORM,
    private readonly authorizer: Authorizer,
    private readonly grants: GrantWriter,
    private readonly outbox: Outbox,
    private readonly tenants: TenantDirectory,
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
    return new ShareRepository(this.orm.em.fork()).page({ ...query, tenantId, ...(everything ? {} : { createdBy: principal.user_id }) });
  }

  async get(tenantId: string, id: string, principal: Principal): Promise<Share> {
    const share = await new ShareRepository(this.orm.em.fork()).findInTenant(tenantId, id);
    return this.visible(share, principal);
  }

  /** Revoking twice is fine: the second time changes nothing. */
  async revoke(tenantId: string, id: string, principal: Principal, audit: AuditContext): Promise<void> {
    let changes: (PolicyChange | undefined)[] = [];
    await this.orm.em.fork().transactional(async (tx) => {
      const share = this.visible(await new ShareRepository(tx).lockInTenant(tenantId, id), principal);
      if (share.status !== 'active') return;
      changes = await this.stop(tx, share, { by: principal.user_id, reason: 'revoked' }, audit.actor, audit.request_id);
    });
    this.outbox.committed();
    this.grants.announce(changes);
  }

  async views(tenantId: string, id: string, principal: Principal, page: number, pageSize: number): Promise<{ items: ShareView[]; total: number }> {
    await this.get(tenantId, id, principal);
    return new ShareViewRepository(this.orm.em.fork()).page(tenantId, id, page, pageSize);
  }

  /** The tenant was disabled or deleted: every live link of it stops, each with its own `share.revoked` event. */
  async revokeAllInTenant(tenantId: string, reason: string, actor: Actor, requestId: string): Promise<number> {
    const changes: (PolicyChange | undefined)[] = [];
    let count = 0;
    await this.orm.em.fork().transactional(async (tx) => {
      for (const share of await new ShareRepository(tx).activeInTenant(tenantId)) {
        changes.push(...(await this.stop(tx, share, { by: null, reason }, actor, requestId)));
        count++;
      }
    });
    this.outbox.committed();
    this.grants.announce(changes);
    return count;
  }

  private async insert(tenantId: string, principal: Principal, input: NewShare, audit: AuditContext): Promise<{ share: Share; token: string }> {
    const { token, hash } = newShareToken();
    const changes: (PolicyChange | undefined)[] = [];
    const share = await this.orm.em.fork().transactional(async (tx) => {
      const created = new ShareRepository(tx).create({
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
      await tx.flush();
      for (const rule of this.rulesOf(created)) changes.push(await this.grants.addLinkRule(tx, rule));
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
    this.outbox.committed();
    this.grants.announce(changes);
    return { share, token };
  }

  private async stop(tx: EntityManager, share: Share, how: { by: string | null; reason: string }, actor: Actor, requestId: string) {
    share.status = 'revoked';
    share.revokedAt = new Date();
    share.revokedBy = how.by;
    share.revokedReason = how.reason;
    const changes: (PolicyChange | undefined)[] = [];
    for (const rule of this.rulesOf(share)) changes.push(await this.grants.removeLinkRule(tx, rule));
    this.record(tx, SharingEvent.shareRevoked, share, actor, requestId, { before: { status: 'active' }, after: { status: 'revoked' } }, how.reason);
    return changes;
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

  private record(tx: EntityManager, action: string, share: Share, actor: Actor, requestId: string, changes: { before: unknown; after: unknown }, reason?: string) {
    this.outbox.record(tx, {
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
