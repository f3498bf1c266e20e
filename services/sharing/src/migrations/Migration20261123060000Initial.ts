import { Migration } from '@mikro-orm/migrations';
import { CREATE_SIGNING_KEYS_TABLE_SQL } from '@portcullis/shared/auth';
import { CREATE_OUTBOX_TABLE_SQL } from '@portcullis/shared/events';

export class Migration20261123060000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table shares (
        id uuid primary key,
        tenant_id uuid not null,
        resource_type text not null,
        resource_id text not null,
        visibility text not null check (visibility in ('public', 'tenant')),
        name text,
        token_hash text not null unique,
        permissions jsonb not null,
        created_by uuid not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz,
        max_views integer check (max_views > 0),
        view_count integer not null default 0,
        status text not null check (status in ('active', 'revoked')),
        revoked_at timestamptz,
        revoked_by uuid,
        revoked_reason text
      );
      create index shares_tenant_created_idx on shares (tenant_id, created_at desc);
      create index shares_tenant_creator_idx on shares (tenant_id, created_by, created_at desc);
      create table share_views (
        id uuid primary key,
        share_id uuid not null references shares (id) on delete cascade,
        tenant_id uuid not null,
        viewer_user_id uuid,
        ip text,
        user_agent text,
        viewed_at timestamptz not null default now()
      );
      create index share_views_share_idx on share_views (share_id, viewed_at desc);
    `);
    this.addSql(CREATE_SIGNING_KEYS_TABLE_SQL);
    this.addSql(CREATE_OUTBOX_TABLE_SQL);
  }
}
