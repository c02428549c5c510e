/**
 * Runs tasks one after another per key, and tasks of different keys side by
 * side. The repository queues the commands of one aggregate here, so two
 * commands of one process never race each other for the same version; only
 * other processes can make an append conflict.
 *
 * A key is forgotten once its queue drains, so memory follows the number of
 * aggregates busy right now, not the number ever seen.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys with a task running or waiting. */
  get activeKeys(): number {
    return this.tails.size;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    // A failed task must not fail the ones queued behind it: they only wait for it to settle.
    const result = previous ? previous.then(task) : task();
    const tail = result.then(settled, settled);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

function settled(): void {}
