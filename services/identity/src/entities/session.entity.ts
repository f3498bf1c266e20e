import { EntitySchema } from '@mikro-orm/core';

/** A sign-in: access tokens carry its id as `sid`, refresh tokens belong to it, revoking it ends them all. */
export interface Session {
  id: string;
  userId: string;
  amr: string[];
  authTime: Date;
  createdAt: Date;
  expiresAt: Date;
  lastRefreshedAt?: Date | null;
  revokedAt?: Date | null;
  revokedReason?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export const SessionSchema = new EntitySchema<Session>({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid', fieldName: 'user_id' },
    amr: { type: 'json', columnType: 'jsonb' },
    authTime: { type: 'datetime', columnType: 'timestamptz', fieldName: 'auth_time' },
    createdAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'created_at' },
    expiresAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'expires_at' },
    lastRefreshedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'last_refreshed_at', nullable: true },
    revokedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'revoked_at', nullable: true },
    revokedReason: { type: 'text', fieldName: 'revoked_reason', nullable: true },
    ip: { type: 'text', nullable: true },
    userAgent: { type: 'text', fieldName: 'user_agent', nullable: true },
  },
});
