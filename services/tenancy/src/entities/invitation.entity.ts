import { EntitySchema } from '@mikro-orm/core';

/** pending → accepted | revoked | replaced (a newer invitation to the same email); expiry is read from expiresAt. */
export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'replaced';

export interface Invitation {
  id: string;
  tenantId: string;
  email: string;
  roles: string[];
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  tokenHash: string;
  status: InvitationStatus;
  invitedBy: string | null;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  acceptedAt?: Date | null;
  acceptedBy?: string | null;
}

export const InvitationSchema = new EntitySchema<Invitation>({
  name: 'Invitation',
  tableName: 'invitations',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'uuid', fieldName: 'tenant_id' },
    email: { type: 'text' },
    roles: { type: 'json' },
    tokenHash: { type: 'text', fieldName: 'token_hash' },
    status: { type: 'text' },
    invitedBy: { type: 'uuid', fieldName: 'invited_by', nullable: true },
    expiresAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'expires_at' },
    createdAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'created_at' },
    updatedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'updated_at' },
    acceptedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'accepted_at', nullable: true },
    acceptedBy: { type: 'uuid', fieldName: 'accepted_by', nullable: true },
  },
});
