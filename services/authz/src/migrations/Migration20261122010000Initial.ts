import { Migration } from '@mikro-orm/migrations';
import { CREATE_OUTBOX_TABLE_SQL } from '@portcullis/shared/events';

/** The policy's bookkeeping. The rules themselves live in casbin-pg-adapter's `casbin` table (its own migrations). */
export class Migration20261122010000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table policy_version (
        id smallint primary key default 1 check (id = 1),
        version bigint not null default 0,
        updated_at timestamptz not null default now()
      );
      insert into policy_version (id, version) values (1, 0);
      create table policy_changes (
        version bigint primary key,
        kind text not null check (kind in ('grant_added', 'grant_removed', 'reload')),
        rule jsonb,
        created_at timestamptz not null default now()
      );
    `);
    this.addSql(CREATE_OUTBOX_TABLE_SQL);
  }
}
