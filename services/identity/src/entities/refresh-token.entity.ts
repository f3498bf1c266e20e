import { EntitySchema } from '@mikro-orm/core';

/** One link in a session's refresh chain. Only the SHA-256 of the token is kept. */
export interface RefreshToken {
  id: string;
  sessionId: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  /** Set when it was exchanged; presenting it again is reuse. */
  usedAt?: Date | null;
}

export const RefreshTokenSchema = new EntitySchema<RefreshToken>({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: { type: 'uuid', primary: true },
    sessionId: { type: 'uuid', fieldName: 'session_id' },
    tokenHash: { type: 'text', fieldName: 'token_hash', unique: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'created_at' },
    expiresAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'expires_at' },
    usedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'used_at', nullable: true },
  },
});
