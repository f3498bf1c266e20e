import { v7 as uuidv7 } from 'uuid';
import { assertSessionLive, type PrincipalVerifier, type Principal, type SessionChecks } from '@portcullis/shared/auth';
import type { Authorizer } from '@portcullis/shared/authz';
import type { UnitOfWork } from '@portcullis/shared/db';
import { Gone, NotFound, Unauthorized, type ClientInfo, type Logger } from '@portcullis/shared/http';
import { SharingEvent } from '../events/sharing-events.js';
import type { ResolvableShare, SharingRepositories } from '../repositories/index.js';
import type { GrantTokenService } from './grant-tokens.js';
import { PublicLinkCache } from './public-link-cache.js';
import { hashShareToken } from './share-tokens.js';

export interface ResolvedShare {
  resource_type: string;
  resource_id: string;
  tenant_id: string;
  permissions: string[];
  grant_token: string;
  /** When the grant token expires (never after the link does). */
  expires_at: string;
  /** When the link itself expires, if ever. */
  link_expires_at: string | null;
  views_left: number | null;
}

/** Why a resolve was refused, as `share.denied` records it. */
type DenialReason = 'revoked' | 'expired' | 'view_limit_reached' | 'sign_in_required' | 'not_a_member';

/** Thrown inside the counting unit of work when the link was not usable: it wrote nothing, and so sends nothing. */
const NOT_COUNTED = Symbol('not counted');

/**
 * Turns a link's token into a grant: the link must exist and be live, a `tenant` link needs a signed-in member, and
 * each success counts one view exactly (see Shares.countView). Refusals are audited as `share.denied`.
 *
 * The hot path costs what it did before the unit of work: one lookup (skipped for a cached public link) and one
 * statement that counts the view, logs it and writes its outbox row (a single-statement unit of work, no BEGIN/COMMIT).
 */
export class ShareResolver {
  constructor(
    private readonly uow: UnitOfWork<SharingRepositories>,
    private readonly authorizer: Authorizer,
    private readonly verifier: PrincipalVerifier,
    private readonly sessionChecks: SessionChecks,
    private readonly grantTokens: Pick<GrantTokenService, 'issue'>,
    private readonly logger: Logger,
    private readonly publicLinks = new PublicLinkCache(),
  ) {}

  async resolve(token: string, bearer: string | undefined, client: ClientInfo): Promise<ResolvedShare> {
    const tokenHash = hashShareToken(token);
    let share = this.publicLinks.get(tokenHash);
    if (!share) {
      share = await this.uow.read((repos) => repos.shares.findByTokenHash(tokenHash));
      if (!share) throw new NotFound('No such link.');
      this.publicLinks.remember(tokenHash, share);
    }
    if (share.status !== 'active') return this.deny(share, 'revoked', null, client, new NotFound('No such link.'));
    const viewer = share.visibility === 'tenant' ? await this.member(share, bearer, client) : null;
    if (share.expiresAt && share.expiresAt.getTime() <= Date.now()) {
      return this.deny(share, 'expired', viewer, client, new Gone('This link has expired.'));
    }
    const viewCount = await this.countView(share, viewer, client);
    if (viewCount === undefined) return this.refuseAfterRace(share, viewer, client);
    const resource = `${share.resourceType}:${share.resourceId}`;
    const grant = await this.grantTokens.issue({ shareId: share.id, tenantId: share.tenantId, resource, permissions: share.permissions, linkExpiresAt: share.expiresAt });
    return {
      resource_type: share.resourceType,
      resource_id: share.resourceId,
      tenant_id: share.tenantId,
      permissions: share.permissions,
      grant_token: grant.token,
      expires_at: grant.expiresAt.toISOString(),
      link_expires_at: share.expiresAt?.toISOString() ?? null,
      views_left: share.maxViews == null ? null : Math.max(0, share.maxViews - viewCount),
    };
  }

  /** A `tenant` link: the caller must be signed in (401) and a member of the link's tenant (404 otherwise, like a missing link). */
  private async member(share: ResolvableShare, bearer: string | undefined, client: ClientInfo): Promise<Principal> {
    if (!bearer) return this.deny(share, 'sign_in_required', null, client, new Unauthorized('Sign in to open this link.'));
    const principal = await this.verifier.verify(bearer);
    await assertSessionLive(principal, this.sessionChecks);
    // Membership itself, not "may read the tenant": a platform role (an auditor's, say) reaches every tenant but makes
    // nobody a member, and a `tenant` link is for the tenant's members (the contract: a non-member gets 404).
    if (!this.authorizer.isMember(principal, share.tenantId)) {
      return this.deny(share, 'not_a_member', principal, client, new NotFound('No such link.'));
    }
    return principal;
  }

  /** One view counted, logged and audited by one statement; undefined when the link was no longer usable. */
  private async countView(share: ResolvableShare, viewer: Principal | null, client: ClientInfo): Promise<number | undefined> {
    try {
      return await this.uow.run(
        async (tx) => {
          const count = await tx.repos.shares.countView(share.id, {
            view: { id: uuidv7(), viewerUserId: viewer?.user_id ?? null, ip: client.ip ?? null, userAgent: client.user_agent ?? null },
            event: tx.outboxRow(this.event(share, SharingEvent.shareAccessed, 'success', viewer, client)),
          });
          if (count === undefined) throw NOT_COUNTED;
          return count;
        },
        { singleStatement: true },
      );
    } catch (error) {
      if (error === NOT_COUNTED) return undefined;
      throw error;
    }
  }

  /** The count refused (another resolve took the last view, or the link stopped meanwhile): say which. */
  private async refuseAfterRace(share: ResolvableShare, viewer: Principal | null, client: ClientInfo): Promise<never> {
    const now = (await this.uow.read((repos) => repos.shares.reload(share.id))) ?? { ...share, status: 'revoked' as const };
    if (now.status !== 'active') return this.deny(share, 'revoked', viewer, client, new NotFound('No such link.'));
    if (now.expiresAt && now.expiresAt.getTime() <= Date.now()) return this.deny(share, 'expired', viewer, client, new Gone('This link has expired.'));
    return this.deny(share, 'view_limit_reached', viewer, client, new Gone('This link has been viewed as often as it allows.'));
  }

  private async deny(share: ResolvableShare, reason: DenialReason, viewer: Principal | null, client: ClientInfo, error: Error): Promise<never> {
    try {
      // One insert, atomic on its own: no transaction around it.
      await this.uow.run(async (tx) => tx.record(this.event(share, SharingEvent.shareDenied, 'denied', viewer, client, reason)), { singleStatement: true });
    } catch (recordError) {
      // The refusal stands either way; losing its audit row is logged loudly.
      this.logger.error({ err: recordError, share_id: share.id, reason }, 'could not record share.denied');
    }
    throw error;
  }

  private event(share: ResolvableShare, action: string, outcome: 'success' | 'denied', viewer: Principal | null, client: ClientInfo, reason?: DenialReason) {
    return {
      action,
      subject: `tenant:${share.tenantId}/share:${share.id}`,
      tenantId: share.tenantId,
      data: {
        actor: {
          user_id: viewer?.user_id ?? null,
          ...(viewer?.impersonator_id ? { impersonator_id: viewer.impersonator_id } : {}),
          ...(client.ip ? { ip: client.ip } : {}),
          ...(client.user_agent ? { user_agent: client.user_agent } : {}),
        },
        outcome,
        target: { tenant_id: share.tenantId, share_id: share.id, resource_type: share.resourceType, resource_id: share.resourceId },
        ...(reason ? { reason } : {}),
        request_id: client.request_id,
      },
    };
  }
}
