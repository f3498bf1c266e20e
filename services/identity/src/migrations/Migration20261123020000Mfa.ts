import { Migration } from '@mikro-orm/migrations';

export class Migration20261123020000Mfa extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      -- One TOTP credential per user; unconfirmed until the first code is checked.
      create table totp_credentials (
        user_id uuid primary key references users (id) on delete cascade,
        secret_encrypted text not null,
        confirmed_at timestamptz,
        -- RFC 6238 §5.2: the last accepted time step; a code of that step or earlier is refused (replay).
        last_time_step bigint,
        created_at timestamptz not null default now()
      );
      create table recovery_codes (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        code_hash text not null,
        used_at timestamptz,
        created_at timestamptz not null default now()
      );
      create index recovery_codes_user_idx on recovery_codes (user_id) where used_at is null;
      -- The second step of a login with MFA: a short-lived, single-use token.
      create table mfa_challenges (
        id uuid primary key,
        token_hash text not null unique,
        user_id uuid not null references users (id) on delete cascade,
        expires_at timestamptz not null,
        used_at timestamptz,
        created_at timestamptz not null default now()
      );
    `);
  }
}
