import { Migration } from '@mikro-orm/migrations';

export class Migration20261201000000ImpersonatorSession extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      -- The impersonator's own session that started it: when that session ends, so does the impersonation.
      alter table impersonation_sessions add column impersonator_session_id uuid;
      create index impersonation_open_by_session_idx on impersonation_sessions (impersonator_session_id) where ended_at is null;
      -- Open ones past their expiry are ended (and audited) by a sweep that looks them up by expiry.
      create index impersonation_open_expiry_idx on impersonation_sessions (expires_at) where ended_at is null;
    `);
  }
}
