/**
 * The last version handled per aggregate, for the most recently active
 * aggregates (bounded, least recently used dropped first). A message whose
 * version is not above the aggregate's last handled version is a repeat:
 * a publisher resend, a redelivery after a rebalance or restart of the
 * consumer in this process. Versions of an aggregate only grow, and arrive
 * in order, so this recognises a repeated event id without keeping ids.
 * Across processes, views still dedupe by event id (see @eventloom/mysql).
 */
export class HandledVersions {
  private readonly versions = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  isRepeat(aggregateKey: string, version: number): boolean {
    const last = this.versions.get(aggregateKey);
    return last !== undefined && version <= last;
  }

  record(aggregateKey: string, version: number): void {
    const last = this.versions.get(aggregateKey);
    if (last !== undefined && last >= version) return;
    this.versions.delete(aggregateKey);
    this.versions.set(aggregateKey, version);
    if (this.versions.size > this.capacity) {
      const oldest = this.versions.keys().next().value as string;
      this.versions.delete(oldest);
    }
  }

  get size(): number {
    return this.versions.size;
  }
}
