import { EventMetadataFields, StoredEvent } from './stored-event';
import { eventTypes } from './event';

/** A typed event with the metadata it was stored with. */
export interface EventEnvelope<E = object> {
  readonly event: E;
  readonly eventId: string;
  readonly eventType: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly triggeringEventId?: string;
  readonly metadata: EventMetadataFields;
  readonly timestamp: Date;
  readonly position?: number;
}

/** Decodes a stored event into its class instance (nested value objects included). */
export function toEnvelope<E = object>(stored: StoredEvent): EventEnvelope<E> {
  const event = eventTypes.deserialize(
    stored.eventType,
    stored.eventData,
    // Built only when the type is unknown: this runs for every event loaded or delivered.
    () => `(event ${stored.eventId} of ${stored.aggregateType} '${stored.aggregateId}')`,
  ) as E;
  return {
    event,
    eventId: stored.eventId,
    eventType: stored.eventType,
    aggregateType: stored.aggregateType,
    aggregateId: stored.aggregateId,
    version: stored.version,
    triggeringEventId: stored.triggeringEventId,
    metadata: stored.metadata,
    timestamp: stored.timestamp,
    position: stored.position,
  };
}
