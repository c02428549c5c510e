import { InMemoryTransaction } from './in-memory-transactions';

/**
 * A table in memory whose writes belong to a transaction: what a service on
 * "plain tables" uses when embedded, and where the embedded back end keeps
 * received messages and saga instances. Reads in a transaction see its own
 * staged writes; others see them once it commits.
 */
export class InMemoryTable<V> {
  private readonly rows = new Map<string, V>();
  private readonly staged = new WeakMap<InMemoryTransaction, Map<string, V>>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly held = new WeakMap<InMemoryTransaction, Set<string>>();

  /** The committed row, or the one `tx` wrote. */
  get(key: string, tx?: InMemoryTransaction): V | undefined {
    const own = tx && this.staged.get(tx);
    return own?.has(key) ? own.get(key) : this.rows.get(key);
  }

  /** Committed rows (a transaction's own writes are not listed). */
  values(): V[] {
    return [...this.rows.values()];
  }

  /** Writes a row in `tx`, visible to others when it commits. */
  put(tx: InMemoryTransaction, key: string, value: V): void {
    tx.assertOpen();
    let own = this.staged.get(tx);
    if (!own) {
      own = new Map();
      this.staged.set(tx, own);
      const writes = own;
      tx.onCommit(() => {
        for (const [k, v] of writes) this.rows.set(k, v);
      });
    }
    own.set(key, value);
  }

  /** Locks a row (existing or not) until `tx` ends, then reads it: SELECT ... FOR UPDATE. */
  async lock(tx: InMemoryTransaction, key: string): Promise<V | undefined> {
    tx.assertOpen();
    const mine = this.held.get(tx) ?? new Set<string>();
    this.held.set(tx, mine);
    if (mine.has(key)) return this.get(key, tx);
    for (let held = this.locks.get(key); held; held = this.locks.get(key)) await held;
    let release!: () => void;
    const lock = new Promise<void>((resolve) => (release = resolve));
    this.locks.set(key, lock);
    mine.add(key);
    tx.holding(() => {
      if (this.locks.get(key) === lock) this.locks.delete(key);
      release();
    });
    return this.get(key, tx);
  }
}
