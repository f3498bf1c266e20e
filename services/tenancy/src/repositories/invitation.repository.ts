import type { EntityManager } from '@mikro-orm/postgresql';
import { InvitationSchema, type Invitation, type InvitationStatus } from '../entities/invitation.entity.js';

export class InvitationRepository {
  constructor(private readonly em: EntityManager) {}

  find(tenantId: string, id: string): Promise<Invitation | null> {
    return this.em.findOne(InvitationSchema, { tenantId, id });
  }

  findPending(tenantId: string, email: string): Promise<Invitation | null> {
    return this.em.findOne(InvitationSchema, { tenantId, email, status: 'pending' });
  }

  /** By token hash, locked until the transaction ends (accepting it is single use). */
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

  /** Newest first. `expired` is a pending invitation past its expiry; `pending` excludes those. */
  async page(tenantId: string, status: InvitationStatus | 'expired' | undefined, page: number, pageSize: number): Promise<{ items: Invitation[]; total: number }> {
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
