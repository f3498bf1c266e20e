import { Migration } from '@mikro-orm/migrations';

export class Migration20261123030000LoginThrottle extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      -- Failed sign-in attempts per account, per source address and per MFA user, shared by every instance.
      create table login_throttle (
        key text primary key,
        failures integer not null,
        locked_until timestamptz,
        updated_at timestamptz not null default now()
      );
    `);
  }
}
