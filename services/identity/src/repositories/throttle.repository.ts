import type { EntityManager } from '@mikro-orm/postgresql';

/** Failed sign-in counters per key (`account:…`, `mfa:…`, `source:…`) and their locks. */
export interface Throttle {
  /** The latest lock end among these keys that is still in the future. */
  lockedUntil(keys: string[]): Promise<Date | null>;
  /**
   * Counts a failure (a counter idle for `windowMs` starts again) and locks the key's row until the unit of work ends;
   * returns the new count and whether it was locked.
   */
  fail(key: string, windowMs: number): Promise<{ failures: number; wasLocked: boolean }>;
  /** Locks the key for `ms` from now; returns until when. */
  lock(key: string, ms: number): Promise<Date>;
  /** Forgets these keys (locking them in key order); returns those that had been locked. */
  reset(keys: string[]): Promise<string[]>;
}

/** Failure counters with locks; every statement is atomic, so instances share them safely. */
export class ThrottleRepository implements Throttle {
  constructor(private readonly em: EntityManager) {}

  async lockedUntil(keys: string[]): Promise<Date | null> {
    const [row] = await this.em.execute<{ until: Date | null }[]>(
      'select max(locked_until) as until from login_throttle where key in (select jsonb_array_elements_text(?::jsonb)) and locked_until > now()',
      [JSON.stringify(keys)],
    );
    return row?.until ? new Date(row.until) : null;
  }

  async fail(key: string, windowMs: number): Promise<{ failures: number; wasLocked: boolean }> {
    const [row] = await this.em.execute<{ failures: number; was_locked: boolean }[]>(
      `insert into login_throttle as t (key, failures, updated_at) values (?, 1, now())
       on conflict (key) do update set
         failures = case when t.updated_at < now() - (? * interval '1 millisecond') then 1 else t.failures + 1 end,
         updated_at = now()
       returning failures, (locked_until is not null) as was_locked`,
      [key, windowMs],
    );
    return { failures: row.failures, wasLocked: row.was_locked };
  }

  async lock(key: string, ms: number): Promise<Date> {
    const [row] = await this.em.execute<{ locked_until: Date }[]>(
      "update login_throttle set locked_until = now() + (? * interval '1 millisecond') where key = ? returning locked_until",
      [ms, key],
    );
    return new Date(row.locked_until);
  }

  /**
   * Forgets these keys; returns those that had been locked. The rows are locked in key order first: two sign-ins
   * resetting the same account and source at once would otherwise lock them in either order and deadlock.
   */
  async reset(keys: string[]): Promise<string[]> {
    const rows = await this.em.execute<{ key: string }[]>(
      `with doomed as (select key from login_throttle where key in (select jsonb_array_elements_text(?::jsonb)) order by key for update)
       delete from login_throttle t using doomed where t.key = doomed.key returning t.key, t.locked_until`,
      [JSON.stringify(keys)],
    );
    return (rows as unknown as { key: string; locked_until: Date | null }[]).filter((r) => r.locked_until !== null).map((r) => r.key);
  }
}
