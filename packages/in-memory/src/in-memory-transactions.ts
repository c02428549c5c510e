import { EventloomError } from '@eventloom/core';
import { Transactions } from '@eventloom/core/spi';

/**
 * A transaction over in-memory state: writes are staged and applied all at
 * once when the work resolves (synchronously, so no other work sees half of
 * them), or dropped when it throws. Row locks (see InMemoryTable.lock) are
 * held until it ends, like SELECT ... FOR UPDATE.
 */
export class InMemoryTransaction {
  private readonly commits: Array<() => void> = [];
  private readonly releases: Array<() => void> = [];
  private ended = false;

  /** Runs `apply` at commit, in the order registered. `apply` must not throw: check first, apply then. */
  onCommit(apply: () => void): void {
    this.assertOpen();
    this.commits.push(apply);
  }

  /** @internal */
  holding(release: () => void): void {
    this.releases.push(release);
  }

  /** @internal */
  end(commit: boolean): void {
    this.ended = true;
    try {
      if (commit) for (const apply of this.commits) apply();
    } finally {
      for (const release of this.releases.splice(0)) release();
    }
  }

  assertOpen(): void {
    if (this.ended) throw new EventloomError('This in-memory transaction has ended; use the tx of the work you are in.');
  }
}

export class InMemoryTransactions implements Transactions<InMemoryTransaction> {
  async run<T>(work: (tx: InMemoryTransaction) => Promise<T>): Promise<T> {
    const tx = new InMemoryTransaction();
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      tx.end(false);
      throw error;
    }
    tx.end(true);
    return result;
  }
}
