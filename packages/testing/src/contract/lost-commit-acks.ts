import { MessagingBackend } from '@eventloom/core';

/**
 * Loses the acknowledgement of chosen commits, as a connection that drops
 * right after COMMIT does: the transaction is committed, its caller sees an
 * error, and the message it handled is delivered again. The contract uses it
 * to redeliver a command whose effect and reply are already committed.
 */
export class LostCommitAcks<Tx> {
  private readonly armed = new Set<Tx>();

  /** Called inside the work of `tx`: once it commits, its caller is told it failed. */
  loseAckOf(tx: Tx): void {
    this.armed.add(tx);
  }

  /** The backend with its transactions watched; everything else as it is. */
  wrap(backend: MessagingBackend<Tx>): MessagingBackend<Tx> {
    const inner = backend.transactions;
    const armed = this.armed;
    return {
      ...backend,
      transactions: {
        async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
          let used: Tx | undefined;
          let result: T;
          try {
            result = await inner.run((tx) => {
              used = tx;
              return work(tx);
            });
          } catch (error) {
            if (used !== undefined) armed.delete(used);
            throw error;
          }
          if (used !== undefined && armed.delete(used)) {
            throw new Error('The connection was lost after COMMIT (injected by the messaging contract): the transaction is committed, its caller cannot know.');
          }
          return result;
        },
      },
    };
  }
}
