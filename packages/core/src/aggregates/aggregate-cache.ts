import { copyInto, deepCopy } from './aggregate-copy';

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

/**
 * One aggregate's place in the cache, kept for as long as the aggregate stays
 * cached and changed in place by each command: a new entry per command lived
 * until the aggregate's next command, which with a million aggregates is long
 * enough to reach the old generation, where each one became garbage for the
 * major collector.
 */
export class CacheSlot {
  /** Handed to a command: what it holds is being changed, and no one else may take it. */
  lent = false;
  /** Still the cache's entry for its key (false once dropped or replaced): putting back here needs no lookup. */
  held = true;

  constructor(
    public version: number,
    public snapshotVersion: number,
    public loadMillis: number,
    /** The cache's own copy; never handed out, only copies of it. */
    public aggregate: object,
    public triggeredBy: ReadonlySet<string> | undefined,
    public staleSnapshot: boolean | undefined,
  ) {}
}

/** What take hands a command: a copy of the cached aggregate, and the slot to put the result back into. */
export interface TakenAggregate extends CachedAggregate {
  readonly slot: CacheSlot;
}

/**
 * The aggregates this process loaded or changed lately, by aggregate key,
 * bounded (least recently used out first). An entry may be stale when another
 * process appended since: the append's optimistic version check catches that,
 * and the repository then drops the entry and loads afresh.
 */
export class AggregateCache {
  readonly maxAggregates: number;
  // A command marks its slot lent instead of changing the map, and puts back into the slot it took: one lookup
  // per command in a map that may hold a million keys (each lookup there is a few cache misses).
  private readonly entries = new Map<string, CacheSlot>();
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
   * Hands a copy of the entry's aggregate over and marks the entry lent: the
   * caller (the one command of this process on that aggregate at a time) may
   * change the copy freely, and puts it back after a successful append. Until
   * then no one else takes it; a command that fails half-way leaves the cache's
   * own copy as it was, and the next command loads afresh.
   */
  take(key: string): TakenAggregate | undefined {
    const slot = this.entries.get(key);
    if (slot === undefined || slot.lent) return undefined;
    slot.lent = true;
    return {
      version: slot.version,
      snapshotVersion: slot.snapshotVersion,
      loadMillis: slot.loadMillis,
      aggregate: deepCopy(slot.aggregate),
      triggeredBy: slot.triggeredBy,
      staleSnapshot: slot.staleSnapshot,
      slot,
    };
  }

  /**
   * Keeps a copy of `entry.aggregate` (the original goes back to the caller),
   * unless the cache already holds a later version (a slower load finishing
   * late). `takenFrom`, the slot the entry was taken from, is updated in place
   * while the cache still holds it. Map keeps insertion order: the first entry
   * is the least recently used.
   */
  put(key: string, entry: CachedAggregate, takenFrom?: CacheSlot): void {
    // A bounded cache re-inserts instead, to keep the least recently used first. No one else wrote into a slot
    // while it was lent: a load meanwhile replaced it (held is then false).
    if (takenFrom?.held && !this.bounded && copyInto(takenFrom.aggregate, entry.aggregate)) {
      takenFrom.version = entry.version;
      takenFrom.snapshotVersion = entry.snapshotVersion;
      takenFrom.loadMillis = entry.loadMillis;
      takenFrom.triggeredBy = entry.triggeredBy;
      takenFrom.staleSnapshot = entry.staleSnapshot;
      takenFrom.lent = false;
      return;
    }
    const existing = this.entries.get(key);
    if (existing !== undefined && !existing.lent && existing.version > entry.version) return;
    const kept = new CacheSlot(
      entry.version,
      entry.snapshotVersion,
      entry.loadMillis,
      deepCopy(entry.aggregate),
      entry.triggeredBy,
      entry.staleSnapshot,
    );
    if (existing !== undefined) existing.held = false;
    if (!this.bounded) {
      this.entries.set(key, kept);
      return;
    }
    this.entries.delete(key);
    this.entries.set(key, kept);
    if (this.entries.size > this.maxAggregates) {
      const eldest = this.entries.keys().next().value as string;
      this.entries.get(eldest)!.held = false;
      this.entries.delete(eldest);
    }
  }

  drop(key: string): void {
    const existing = this.entries.get(key);
    if (existing === undefined) return;
    existing.held = false;
    this.entries.delete(key);
  }
}
