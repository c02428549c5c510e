/**
 * An event as the event store keeps it: serialized data plus the metadata
 * every back end stores. This is the unit a back end reads, writes and
 * publishes; the core turns it into a typed event for handlers.
 */
export interface StoredEvent {
  /** Unique and sortable by creation time (UUIDv7). */
  readonly eventId: string;
  readonly eventType: string;
  /** The event's JSON. */
  readonly eventData: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** The aggregate's version after this event; 1 for its first event. */
  readonly version: number;
  /** The event whose handling caused this one, used for idempotent updates. */
  readonly triggeringEventId?: string;
  readonly metadata: EventMetadataFields;
  readonly timestamp: Date;
  /**
   * Gap-free global position in publication order, given by the publisher.
   * Absent until the event is published.
   */
  readonly position?: number;
}

export interface EventMetadataFields {
  readonly correlationId: string;
  readonly causationId?: string;
  readonly schemaVersion: number;
  /** Free-form metadata supplied by the caller (user id, tenant, ...). */
  readonly [key: string]: unknown;
}

/** An event about to be appended; the store gives it nothing, the repository fills it all. */
export type NewEvent = Omit<StoredEvent, 'position'>;
