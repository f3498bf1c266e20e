import { Migration } from '@mikro-orm/migrations';
import { CREATE_SIGNING_KEYS_TABLE_SQL } from '@portcullis/shared/auth';
import { CREATE_OUTBOX_TABLE_SQL } from '@portcullis/shared/events';

export class Migration20261122000000Initial extends Migration {
  override async up(): Promise<void> {
    // Foreign keys are checked at commit: the unit of work may insert a session's rows in any order.
    this.addSql(`
      create table users (
        id uuid primary key,
        email text not null unique check (email = lower(btrim(email))),
        name text not null,
        password_hash text not null,
        status text not null default 'active' check (status in ('active', 'disabled')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create table sessions (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade deferrable initially deferred,
        amr jsonb not null,
        auth_time timestamptz not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        last_refreshed_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text,
        ip text,
        user_agent text
      );
      create index sessions_user_idx on sessions (user_id) where revoked_at is null;
      create table refresh_tokens (
        id uuid primary key,
        session_id uuid not null references sessions (id) on delete cascade deferrable initially deferred,
        token_hash text not null unique,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz
      );
      create index refresh_tokens_session_idx on refresh_tokens (session_id);
    `);
    this.addSql(CREATE_SIGNING_KEYS_TABLE_SQL);
    this.addSql(CREATE_OUTBOX_TABLE_SQL);
  }
}
