/**
 * At most `limit` holders at once; the others wait in arrival order. Used to
 * keep transactions from taking every connection of a pool when the work in
 * them needs a second one (see MySqlTransactions).
 */
export class ConnectionPermits {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.held < this.limit) {
      this.held++;
      return;
    }
    // The releaser hands its permit over: `held` stays as it is.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held--;
  }
}
