import { SequencedEvent } from './publication-sink';

/**
 * The event store read as the publication: every event in the order the
 * publisher gave it, by its gap-free global `position` (1, 2, 3, ...).
 *
 * Positions are handed out by one sequencer (the publisher) in one
 * transaction per batch, so a reader that asks for `position > p` in order
 * never skips an event: an event without a position yet will get a higher
 * one than any it can see now.
 */
export interface PublicationLog {
  /**
   * Events that have a position greater than `afterPosition`, in position
   * order, at most `limit`. Includes events that have a position but whose
   * Kafka acknowledgement is not recorded yet: they are in the publication.
   */
  readPublished(afterPosition: number, limit: number): Promise<SequencedEvent[]>;
  /** The highest position given so far, 0 when none. */
  lastPosition(): Promise<number>;
  /**
   * Calls `listener` whenever new events may have become readable; returns a
   * function that stops it. Optional: a log without it is polled. A log that
   * sequences in process (the embedded store) has it, so readers wake at once.
   */
  watch?(listener: () => void): () => void;
}

/** What a running publisher reports about itself. */
export interface PublisherStatus {
  /** True while this instance holds the publisher lock and publishes. */
  readonly leader: boolean;
  /** Highest position acknowledged by the broker and marked published, by this instance. */
  readonly publishedPosition: number;
  /** Events this instance has published since it started (resends included). */
  readonly publishedCount: number;
}

/**
 * A running publisher: moves stored events to the transport in one global
 * order. Any number may run; exactly one publishes at a time.
 */
export interface Publisher {
  status(): PublisherStatus;
  /**
   * Resolves once every event stored before the call has been published
   * (by whichever instance leads).
   */
  published(): Promise<void>;
  /** True when some instance (this one or another) leads, for readiness; rejects when that cannot be asked (database down). */
  hasLeader?(): Promise<boolean>;
  /** Events stored and not yet published (acknowledged by the sink), for metrics; rejects when that cannot be asked. */
  backlog?(): Promise<number>;
  stop(): Promise<void>;
}
