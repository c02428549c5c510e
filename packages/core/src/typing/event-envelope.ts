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

/**
 * Decodes a stored event into an instance of its current class (nested value
 * objects included): the one read path of loads and deliveries, so every one
 * of them upcasts older versions and follows renames. `eventType` and
 * `metadata` stay as stored.
 */
export function toEnvelope<E = object>(stored: StoredEvent): EventEnvelope<E> {
  // The context is built only when decoding fails: this runs for every event loaded or delivered.
  const event = eventTypes.decode(stored, () => `(event ${stored.eventId} of ${stored.aggregateType} '${stored.aggregateId}')`) as E;
  return envelopeOf(stored, event);
}

/**
 * The envelope of an event whose instance is at hand (decoded, or just decided).
 * An object literal, not a spread: a spread gives every envelope a hidden class
 * of its own, which costs on every command and delivery.
 */
export function envelopeOf<E>(stored: Omit<StoredEvent, 'position'> & { readonly position?: number }, event: E): EventEnvelope<E> {
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
