import { EntitySchema } from '@mikro-orm/core';

/** An Ed25519 signing key shared by every instance of a service; the private half is encrypted at rest. */
export interface SigningKey {
  kid: string;
  algorithm: string;
  publicJwk: Record<string, unknown>;
  privateJwkEncrypted: string;
  createdAt: Date;
  /** When a newer key took over signing; the key stays published until its last tokens expire. */
  retiredAt?: Date | null;
}

export const SigningKeySchema = new EntitySchema<SigningKey>({
  name: 'SigningKey',
  tableName: 'signing_keys',
  properties: {
    kid: { type: 'text', primary: true },
    algorithm: { type: 'text' },
    publicJwk: { type: 'json', columnType: 'jsonb', fieldName: 'public_jwk' },
    privateJwkEncrypted: { type: 'text', fieldName: 'private_jwk_encrypted', lazy: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'created_at' },
    retiredAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'retired_at', nullable: true },
  },
});

/** The signing_keys table, for the first migration of each service that signs tokens (the same everywhere). */
export const CREATE_SIGNING_KEYS_TABLE_SQL = `
create table signing_keys (
  kid text primary key,
  algorithm text not null,
  public_jwk jsonb not null,
  private_jwk_encrypted text not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);
`;
