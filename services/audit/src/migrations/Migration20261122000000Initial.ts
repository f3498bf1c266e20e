import { Migration } from '@mikro-orm/migrations';

export class Migration20261122000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table events (
        id uuid primary key,
        sequence bigint not null unique,
        type text not null,
        source text not null,
        subject text not null,
        tenant_id uuid,
        actor_id text,
        time timestamptz not null,
        event jsonb not null,
        prev_hash text not null,
        hash text not null,
        stored_at timestamptz not null default now()
      );
      create index events_type_idx on events (type, sequence desc);
      create index events_tenant_idx on events (tenant_id, sequence desc) where tenant_id is not null;
      create index events_actor_idx on events (actor_id, sequence desc) where actor_id is not null;
      create index events_time_idx on events (time, sequence desc);
    `);
  }
}
