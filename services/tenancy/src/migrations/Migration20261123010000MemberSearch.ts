import { Migration } from '@mikro-orm/migrations';

/** Member search (`q`) as a trigram-indexed LIKE on one lower-cased column: ILIKE over two columns scanned every row. */
export class Migration20261123010000MemberSearch extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create extension if not exists pg_trgm with schema public;
      alter table memberships add column search text generated always as (lower(email || ' ' || name)) stored;
      create index memberships_search_trgm_idx on memberships using gin (search public.gin_trgm_ops);
    `);
  }
}
