import { Migration } from '@mikro-orm/migrations';
import { CREATE_OUTBOX_TABLE_SQL } from '@portcullis/shared/events';

export class Migration20261123000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table tenants (
        id uuid primary key,
        name text not null check (length(btrim(name)) between 1 and 200),
        slug text not null check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$'),
        status text not null default 'active' check (status in ('active', 'disabled')),
        settings jsonb not null default '{"allow_public_shares": false}',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        disabled_at timestamptz
      );
      create unique index tenants_name_key on tenants (lower(name));
      create unique index tenants_slug_key on tenants (slug);

      create table memberships (
        tenant_id uuid not null references tenants (id) on delete cascade,
        user_id uuid not null,
        email text not null,
        name text not null,
        roles jsonb not null check (jsonb_typeof(roles) = 'array' and jsonb_array_length(roles) > 0),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, user_id)
      );
      create index memberships_user_idx on memberships (user_id);
      create index memberships_tenant_email_idx on memberships (tenant_id, email);
      create index memberships_tenant_name_idx on memberships (tenant_id, lower(name));
      create index memberships_tenant_created_idx on memberships (tenant_id, created_at);

      create table invitations (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        email text not null check (email = lower(btrim(email))),
        roles jsonb not null check (jsonb_typeof(roles) = 'array' and jsonb_array_length(roles) > 0),
        token_hash text not null unique,
        status text not null check (status in ('pending', 'accepted', 'revoked', 'replaced')),
        invited_by uuid,
        expires_at timestamptz not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        accepted_at timestamptz,
        accepted_by uuid
      );
      -- At most one pending invitation per email and tenant: a new one replaces it.
      create unique index invitations_pending_email_key on invitations (tenant_id, email) where status = 'pending';
      create index invitations_tenant_idx on invitations (tenant_id, created_at);
    `);
    this.addSql(CREATE_OUTBOX_TABLE_SQL);
  }
}
