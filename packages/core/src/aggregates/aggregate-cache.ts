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
  /** Aggregates kept per repository, least recently used dropped first (default 10 000; `Infinity` keeps all). */
  readonly maxAggregates?: number;
}

export const defaultMaxCachedAggregates = 10_000;

const LENT = Symbol('lent to a command');

/**
 * The aggregates this process loaded or changed lately, by aggregate key,
 * bounded (least recently used out first). An entry may be stale when another
 * process appended since: the append's optimistic version check catches that,
 * and the repository then drops the entry and loads afresh.
 */
export class AggregateCache {
  readonly maxAggregates: number;
  // LENT marks an entry handed to a command: the key keeps its place, so a command changes the map in place
  // rather than deleting and re-adding (which made the map rehash on every command).
  private readonly entries = new Map<string, CachedAggregate | typeof LENT>();
  private readonly bounded: boolean;

  constructor(options: AggregateCacheOptions = {}) {
    this.maxAggregates = options.maxAggregates ?? defaultMaxCachedAggregates;
    if (!(Number.isInteger(this.maxAggregates) || this.maxAggregates === Infinity) || this.maxAggregates < 1) {
      throw new RangeError(
        `cache.maxAggregates must be a positive integer or Infinity, got ${options.maxAggregates}; pass cache: false to switch the aggregate cache off.`,
      );
    }
    this.bounded = this.maxAggregates !== Infinity;
  }

  /** Aggregates held, counting those lent to a command in progress. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Hands the entry over, its aggregate included, and forgets it: the caller
   * (the one command of this process on that aggregate at a time) may change
   * it freely, and puts it back after a successful append. A command that fails
   * half-way leaves nothing behind to be trusted, and the next one loads afresh.
   */
  take(key: string): CachedAggregate | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry === LENT) return undefined;
    this.entries.set(key, LENT);
    return entry;
  }

  /**
   * Keeps a copy of `entry.aggregate` (the original goes back to the caller),
   * unless the cache already holds a later version (a slower load finishing
   * late). Map keeps insertion order: the first entry is the least recently used.
   */
  put(key: string, entry: CachedAggregate): void {
    const existing = this.entries.get(key);
    if (existing !== undefined && existing !== LENT && existing.version > entry.version) return;
    const kept: CachedAggregate = {
      version: entry.version,
      snapshotVersion: entry.snapshotVersion,
      loadMillis: entry.loadMillis,
      aggregate: deepCopy(entry.aggregate),
      triggeredBy: entry.triggeredBy,
      staleSnapshot: entry.staleSnapshot,
    };
    if (!this.bounded) {
      this.entries.set(key, kept);
      return;
    }
    this.entries.delete(key);
    this.entries.set(key, kept);
    if (this.entries.size > this.maxAggregates) this.entries.delete(this.entries.keys().next().value as string);
  }

  drop(key: string): void {
    this.entries.delete(key);
  }
}
