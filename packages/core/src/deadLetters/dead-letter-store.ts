import { StoredEvent } from '../typing/stored-event';

/** An event a subscriber gave up on after its retries, kept with the reason. */
export interface ParkedEvent {
  readonly subscriberId: string;
  readonly event: StoredEvent;
  readonly error: string;
  readonly attempts: number;
  readonly parkedAt: Date;
}

/** A parked event as the store holds it: `timesParked` grows each time the same event is parked again. */
export interface ParkedEntry {
  readonly parked: ParkedEvent;
  readonly timesParked: number;
}

/**
 * Where parked events wait to be inspected and retried. One entry per
 * subscriber and event: parking the same event again (a retry that failed)
 * replaces the entry where it stands and counts one more park. Retrying is
 * built once over these operations (see retryParked), not per store.
 */
export interface DeadLetterStore {
  park(entry: ParkedEvent): Promise<void>;
  /** Parked events, oldest first (by when each was first parked). */
  list(subscriberId?: string): Promise<ParkedEvent[]>;
  /** Reads one parked event without removing it. */
  find(subscriberId: string, eventId: string): Promise<ParkedEntry | undefined>;
  /** Removes and returns a parked event, e.g. to drop it for good. */
  take(subscriberId: string, eventId: string): Promise<ParkedEvent | undefined>;
  /**
   * Removes a parked event only if it was not parked again since it was
   * found `timesParked` times; true when removed. Atomic, so a retry that
   * parked the event anew never loses it.
   */
  release(subscriberId: string, eventId: string, timesParked: number): Promise<boolean>;
}
