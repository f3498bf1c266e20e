import { Migration } from '@mikro-orm/migrations';

export class Migration20261123040000Impersonation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      -- Its id is also the id of the session row the impersonation token's sid names, so ending it is a session revocation.
      create table impersonation_sessions (
        id uuid primary key,
        impersonator_id uuid not null references users (id) on delete cascade,
        target_id uuid not null references users (id) on delete cascade,
        reason text not null check (length(btrim(reason)) > 0),
        started_at timestamptz not null,
        expires_at timestamptz not null,
        ended_at timestamptz,
        ended_by uuid,
        end_reason text
      );
      -- One open impersonation per impersonator: a new one ends the old.
      create unique index impersonation_one_open_idx on impersonation_sessions (impersonator_id) where ended_at is null;
      create index impersonation_target_idx on impersonation_sessions (target_id, started_at desc);
    `);
  }
}
