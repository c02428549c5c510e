import { StoredEvent } from '../typing/stored-event';
import { DeadLetterStore } from '../deadLetters/dead-letter-store';
import { Publisher } from '../publication/publication-log';

export interface SubscriptionRequest {
  readonly subscriberId: string;
  /** Streams (aggregate types) whose events the subscriber handles. */
  readonly aggregateTypes: readonly string[];
  /**
   * Event types the subscriber handles; a transport may skip others that the
   * process knows (`eventTypes.has`) without calling `handle`. A type it does
   * not know must reach `handle`, which parks it naming what to declare.
   */
  readonly eventTypes: readonly string[];
  /**
   * Hand every entry of the streams to `handle`, whatever its type: a command
   * channel must answer commands no handler knows. Default false.
   */
  readonly everyEventType?: boolean;
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
  /**
   * Whether the subscription reads its events and how many wait, for
   * readiness (Eventloom.health()); rejects when the transport cannot tell
   * (e.g. the broker does not answer).
   */
  status?(): Promise<SubscriptionStatus>;
  close(): Promise<void>;
}

export interface SubscriptionStatus {
  /** True once the subscription reads its events: a Kafka consumer is a member of its group, a log reader has read. */
  readonly joined: boolean;
  /** Events stored for it and not yet handled, as far as the transport can see (0 when caught up). */
  readonly lag: number;
  /** Why it cannot read now, when it cannot. */
  readonly problem?: string;
}

/**
 * Carries stored events to subscribers. Implemented in process (in-memory)
 * and over Kafka. Delivery is at least once, ordered per aggregate.
 */
export interface EventTransport {
  subscribe(request: SubscriptionRequest): Promise<Subscription>;
  /** The publisher that feeds this transport, when the transport knows it: readiness asks it whether some instance leads. */
  readonly publisher?: Publisher;
  close(): Promise<void>;
}

export interface EventBatchHandling {
  readonly maxEvents: number;
  readonly handle: (events: readonly StoredEvent[]) => Promise<void>;
}
