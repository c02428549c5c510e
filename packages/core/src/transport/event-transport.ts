import { StoredEvent } from '../typing/stored-event';
import { DeadLetterStore } from '../deadLetters/dead-letter-store';

export interface SubscriptionRequest {
  readonly subscriberId: string;
  /** Streams (aggregate types) whose events the subscriber handles. */
  readonly aggregateTypes: readonly string[];
  /** Event types the subscriber handles; a transport may skip others without calling `handle`. */
  readonly eventTypes: readonly string[];
  /**
   * Handles one event. A transport calls it in order per aggregate, at least
   * once per event, and runs different aggregates concurrently. It resolves
   * once the event is done with (handled, or parked after its retries); only
   * then may the transport record progress past it.
   */
  readonly handle: (event: StoredEvent) => Promise<void>;
  /**
   * Set for a subscriber that handles runs of events as one unit of work. A
   * transport that can, calls `batch.handle` with runs of at most
   * `batch.maxEvents` events, in order per aggregate (a run is handled in the
   * order given), instead of `handle` for each; it resolves once every event
   * of the run is done with, and only then may the transport record progress
   * past them. A transport that cannot batch calls `handle`, which is always
   * correct. Runs do not change what a subscriber sees: each event at least
   * once, in order per aggregate.
   */
  readonly batch?: EventBatchHandling;
  /**
   * The Eventloom's one dead-letter store, where `handle` parks what it gives
   * up on. A transport parks here what it cannot hand to `handle` at all
   * (e.g. an undecodable message) and never keeps a store of its own.
   */
  readonly deadLetters: DeadLetterStore;
}

export interface Subscription {
  readonly subscriberId: string;
  /** Resolves when every event stored so far (at call time) has been handled. */
  caughtUp?(): Promise<void>;
  /** True when nothing is queued or in flight (where the transport can tell). */
  idle?(): boolean;
  /** The position up to which every event is handled (where the transport tracks positions). */
  position?(): number;
  close(): Promise<void>;
}

/**
 * Carries stored events to subscribers. Implemented in process (in-memory)
 * and over Kafka. Delivery is at least once, ordered per aggregate.
 */
export interface EventTransport {
  subscribe(request: SubscriptionRequest): Promise<Subscription>;
  close(): Promise<void>;
}

export interface EventBatchHandling {
  readonly maxEvents: number;
  readonly handle: (events: readonly StoredEvent[]) => Promise<void>;
}
