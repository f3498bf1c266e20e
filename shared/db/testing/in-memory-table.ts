import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { currentRun } from './in-memory-run.js';

export interface TableOptions<T> {
  /** The primary key. */
  key: (row: T) => string;
  /** Other unique constraints: each maps a row to its key, or undefined where the (partial) index does not apply. */
  unique?: ((row: T) => string | undefined)[];
}

/**
 * A table for in-memory repositories. Rows are objects handed out by reference (as MikroORM hands out managed
 * entities), so a service changes them in place; inside a unit of work every row it reads or writes is remembered, and
 * a unit of work that throws puts them back. Unique constraints are checked when the unit of work commits.
 */
export class InMemoryTable<T extends object> {
  private readonly rows = new Map<string, T>();

  constructor(private readonly options: TableOptions<T>) {}

  insert(row: T): T {
    const key = this.options.key(row);
    if (this.rows.has(key)) throw duplicate(`primary key ${key}`);
    this.rows.set(key, row);
    const run = currentRun();
    if (run) {
      run.touched.add(row);
      run.tables.add(this);
      run.undo.push(() => this.rows.delete(key));
    }
    return row;
  }

  get(key: string): T | null {
    const row = this.rows.get(key);
    return row ? this.touch(row) : null;
  }

  find(where: (row: T) => boolean = () => true): T[] {
    return [...this.rows.values()].filter(where).map((row) => this.touch(row));
  }

  findOne(where: (row: T) => boolean): T | null {
    return this.find(where)[0] ?? null;
  }

  count(where: (row: T) => boolean = () => true): number {
    return [...this.rows.values()].filter(where).length;
  }

  delete(row: T): void {
    const key = this.options.key(row);
    if (!this.rows.delete(key)) return;
    currentRun()?.undo.push(() => this.rows.set(key, row));
  }

  deleteWhere(where: (row: T) => boolean): number {
    const doomed = [...this.rows.values()].filter(where);
    for (const row of doomed) this.delete(row);
    return doomed.length;
  }

  /** Throws as Postgres would when two rows share a unique key. */
  assertConstraints(): void {
    for (const unique of this.options.unique ?? []) {
      const seen = new Set<string>();
      for (const row of this.rows.values()) {
        const key = unique(row);
        if (key === undefined) continue;
        if (seen.has(key)) throw duplicate(key);
        seen.add(key);
      }
    }
  }

  /** Remembers the row's fields as they were, so a unit of work that throws can put them back. */
  private touch(row: T): T {
    const run = currentRun();
    if (run && !run.touched.has(row)) {
      run.touched.add(row);
      run.tables.add(this);
      const before = structuredClone(row);
      run.undo.push(() => Object.assign(row, before));
    }
    return row;
  }
}

function duplicate(what: string): UniqueConstraintViolationException {
  return new UniqueConstraintViolationException(Object.assign(new Error(`duplicate key value violates unique constraint (${what})`), { code: '23505' }));
}
