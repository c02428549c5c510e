import { deepCopy } from './aggregate-copy';

/** What the cache keeps of an aggregate: its state after the last command this process saw, and where it stood. */
export interface CachedAggregate {
  readonly version: number;
  readonly snapshotVersion: number;
  /** What the last real load cost; snapshot strategies that decide on load time keep seeing it. */
  readonly loadMillis: number;
  /** The cache's own copy; never handed out, only copies of it. */
  readonly aggregate: object;
  /**
   * Every idempotency key (triggering event) in the aggregate's history up to
   * `version`, when this process knows them all (it read the whole history or
   * created the aggregate, and there are few); undefined when it does not.
   * Never changed once cached: a new set replaces it.
   */
  readonly triggeredBy?: ReadonlySet<string>;
  /** The latest stored snapshot is of another snapshotVersion: the next append replaces it. */
  readonly staleSnapshot?: boolean;
}

export interface AggregateCacheOptions {
  /** Aggregates kept per repository, least recently used dropped first (default 10 000). */
  readonly maxAggregates?: number;
}

export const defaultMaxCachedAggregates = 10_000;

/**
 * The aggregates this process loaded or changed lately, by aggregate key,
 * bounded (least recently used out first). An entry may be stale when another
 * process appended since: the append's optimistic version check catches that,
 * and the repository then drops the entry and loads afresh.
 */
export class AggregateCache {
  readonly maxAggregates: number;
  private readonly entries = new Map<string, CachedAggregate>();

  constructor(options: AggregateCacheOptions = {}) {
    this.maxAggregates = options.maxAggregates ?? defaultMaxCachedAggregates;
    if (!Number.isInteger(this.maxAggregates) || this.maxAggregates < 1) {
      throw new RangeError(
        `cache.maxAggregates must be a positive integer, got ${options.maxAggregates}; pass cache: false to switch the aggregate cache off.`,
      );
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry with a fresh copy of its aggregate for the caller to use, or undefined. */
  take(key: string): CachedAggregate | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Map keeps insertion order: moving the entry to the end makes the first one the least recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { ...entry, aggregate: deepCopy(entry.aggregate) };
  }

  /** Keeps a copy of `entry.aggregate`, unless the cache already holds a later version (a slower load finishing late). */
  put(key: string, entry: CachedAggregate): void {
    const existing = this.entries.get(key);
    if (existing && existing.version > entry.version) return;
    this.entries.delete(key);
    this.entries.set(key, { ...entry, aggregate: deepCopy(entry.aggregate) });
    if (this.entries.size > this.maxAggregates) this.entries.delete(this.entries.keys().next().value as string);
  }

  drop(key: string): void {
    this.entries.delete(key);
  }
}
