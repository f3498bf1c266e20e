import { Migration } from '@mikro-orm/migrations';

/** Share links' p rules change one at a time (`rule_added`, `rule_removed`), like grants. */
export class Migration20261123050000LinkRules extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table policy_changes drop constraint policy_changes_kind_check;
      alter table policy_changes add constraint policy_changes_kind_check
        check (kind in ('grant_added', 'grant_removed', 'rule_added', 'rule_removed', 'reload'));
    `);
  }
}
