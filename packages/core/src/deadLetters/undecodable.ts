import { EventloomError } from '../errors/eventloom-error';
import { StoredEvent } from '../typing/stored-event';

/**
 * A transport that receives a message it cannot read as an event parks a
 * stand-in for it, marked with `metadata.undecodable: true` and carrying the
 * raw message, so that nothing is lost silently. No handler can take it.
 */
export function isUndecodable(event: StoredEvent): boolean {
  return event.metadata?.undecodable === true;
}

/** A message that is not a well-formed event (e.g. a Kafka message another producer wrote). */
export class UndecodableMessageError extends EventloomError {}
