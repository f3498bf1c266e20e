import type { EntityManager } from '@mikro-orm/postgresql';
import { InvitationSchema, type Invitation, type InvitationStatus } from '../entities/invitation.entity.js';

export type InvitationFilter = InvitationStatus | 'expired' | undefined;

/** Invitations, always within one tenant except lookups by token hash. */
export interface Invitations {
  find(tenantId: string, id: string): Promise<Invitation | null>;
  findPending(tenantId: string, email: string): Promise<Invitation | null>;
  /** By token hash, locked until the unit of work ends (accepting it is single use). */
  findByTokenHashForUpdate(tokenHash: string): Promise<Invitation | null>;
  findByTokenHash(tokenHash: string): Promise<Invitation | null>;
  create(data: Pick<Invitation, 'id' | 'tenantId' | 'email' | 'roles' | 'tokenHash' | 'invitedBy' | 'expiresAt'>): Invitation;
  /** Newest first. `expired` is a pending invitation past its expiry; `pending` excludes those. */
  page(tenantId: string, status: InvitationFilter, page: number, pageSize: number): Promise<{ items: Invitation[]; total: number }>;
  deleteAllInTenant(tenantId: string): Promise<void>;
}

export class InvitationRepository implements Invitations {
  constructor(private readonly em: EntityManager) {}

  find(tenantId: string, id: string): Promise<Invitation | null> {
    return this.em.findOne(InvitationSchema, { tenantId, id });
  }

  findPending(tenantId: string, email: string): Promise<Invitation | null> {
    return this.em.findOne(InvitationSchema, { tenantId, email, status: 'pending' });
  }

  async findByTokenHashForUpdate(tokenHash: string): Promise<Invitation | null> {
    const rows = await this.em.execute<{ id: string }[]>('select id from invitations where token_hash = ? for update', [tokenHash]);
    return rows.length ? this.em.findOne(InvitationSchema, { id: rows[0].id }, { refresh: true }) : null;
  }

  findByTokenHash(tokenHash: string): Promise<Invitation | null> {
    return this.em.findOne(InvitationSchema, { tokenHash });
  }

  create(data: Pick<Invitation, 'id' | 'tenantId' | 'email' | 'roles' | 'tokenHash' | 'invitedBy' | 'expiresAt'>): Invitation {
    const now = new Date();
    return this.em.create(InvitationSchema, { ...data, status: 'pending', createdAt: now, updatedAt: now, acceptedAt: null, acceptedBy: null });
  }

  async page(tenantId: string, status: InvitationFilter, page: number, pageSize: number): Promise<{ items: Invitation[]; total: number }> {
    const now = new Date();
    const where =
      status === 'pending' ? { status, expiresAt: { $gt: now } }
      : status === 'expired' ? { status: 'pending' as const, expiresAt: { $lte: now } }
      : status ? { status }
      : {};
    const [items, total] = await this.em.findAndCount(InvitationSchema, { tenantId, ...where }, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return { items, total };
  }

  async deleteAllInTenant(tenantId: string): Promise<void> {
    await this.em.execute('delete from invitations where tenant_id = ?', [tenantId]);
  }
}
