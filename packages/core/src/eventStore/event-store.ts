import type { AggregateCacheOptions } from '../aggregates/aggregate-cache';
import { NewEvent, StoredEvent } from '../typing/stored-event';

/** A serialized aggregate state at a version. */
export interface Snapshot {
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly snapshotType: string;
  readonly snapshotJson: string;
  /**
   * The version of the snapshot's shape (the aggregate's `snapshotVersion`);
   * absent means 1. Stores keep it as given.
   */
  readonly schemaVersion?: number;
}

export interface AggregateStream {
  /** Current version of the aggregate (version of its last event). */
  readonly version: number;
  /** The latest snapshot, if any; `events` then holds only the events after it. */
  readonly snapshot?: Snapshot;
  readonly events: readonly StoredEvent[];
  /**
   * Set when the load asked about a triggering event: true when the aggregate
   * already holds an event caused by it. Checked after the events were read,
   * so an append that raced in later makes the next append conflict.
   */
  readonly alreadyTriggeredBy?: boolean;
}

export interface LoadOptions {
  triggeringEventId?: string;
}

export interface AppendRequest {
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** 0 to create the aggregate; otherwise the version the command was decided on. */
  readonly expectedVersion: number;
  /** Non-empty, with versions expectedVersion+1, +2, ... */
  readonly events: readonly NewEvent[];
  /** Written in the same transaction as the events. */
  readonly snapshot?: Snapshot;
}

/**
 * The contract every event-store back end implements. The store is the single
 * source of truth and, read in publication order, the publication itself.
 *
 * - append is atomic: all events (and the snapshot) or nothing.
 * - append with expectedVersion 0 on an existing aggregate throws DuplicateAggregateError.
 * - append whose expectedVersion is not the current version throws OptimisticConcurrencyError.
 * - load returns undefined for an unknown aggregate.
 */
export interface EventStore {
  load(aggregateType: string, aggregateId: string, options?: LoadOptions): Promise<AggregateStream | undefined>;
  append(request: AppendRequest): Promise<void>;
  /** Every event of one aggregate, from the first (no snapshot). */
  readStream(aggregateType: string, aggregateId: string): Promise<StoredEvent[]>;
  /** Resolves when the store answers (a round trip to its database), for readiness; rejects naming what is unreachable. */
  ping?(): Promise<void>;
  close(): Promise<void>;
  /**
   * The aggregate cache a repository over this store uses when its own
   * options name none. A store that keeps every event in this process's
   * memory recommends caching every aggregate: the cached states then cost
   * less memory than the events the store holds anyway, and a command never
   * replays a history it could have kept. Absent: the repository's default.
   */
  readonly defaultAggregateCache?: AggregateCacheOptions;
}
