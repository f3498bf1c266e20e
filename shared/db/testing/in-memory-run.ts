import { AsyncLocalStorage } from 'node:async_hooks';

/** What one in-memory unit of work has touched: how to undo it, and the locks it holds until it ends. */
export interface InMemoryRun {
  undo: (() => void)[];
  touched: Set<object>;
  releases: (() => void)[];
  tables: Set<{ assertConstraints(): void }>;
}

const runs = new AsyncLocalStorage<InMemoryRun>();

export const currentRun = (): InMemoryRun | undefined => runs.getStore();

export function withinRun<T>(run: InMemoryRun, work: () => Promise<T>): Promise<T> {
  return runs.run(run, work);
}

/**
 * Named locks held until the unit of work that took them ends: the model of `select … for update` and advisory locks.
 * A repository whose Postgres version locks a row takes the same-named lock here, so a rule that depends on the lock
 * (the last admin) is tested under real interleaving.
 */
export class InMemoryLocks {
  private readonly held = new Map<string, Promise<void>>();

  async acquire(name: string): Promise<void> {
    const run = currentRun();
    if (!run) throw new Error(`lock ${name} taken outside a unit of work`);
    for (;;) {
      const holder = this.held.get(name);
      if (!holder) break;
      await holder;
    }
    let release!: () => void;
    this.held.set(name, new Promise<void>((resolve) => (release = resolve)));
    run.releases.push(() => {
      this.held.delete(name);
      release();
    });
  }
}
