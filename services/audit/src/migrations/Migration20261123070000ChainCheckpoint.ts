import { Migration } from '@mikro-orm/migrations';

/** Retention deletes the oldest events; the checkpoint keeps the last deleted link so the rest still verifies. */
export class Migration20261123070000ChainCheckpoint extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table chain_checkpoint (
        id smallint primary key default 1 check (id = 1),
        sequence bigint not null,
        hash text not null,
        deleted_before timestamptz not null,
        updated_at timestamptz not null default now()
      );
    `);
  }
}
