import { aggregateKey } from '../transport/aggregate-key';
import { StoredEvent } from '../typing/stored-event';
import { DeadLetterStore, ParkedEntry, ParkedEvent } from './dead-letter-store';
import { isUndecodable, UndecodableMessageError } from './undecodable';

/**
 * What retryParked did with a parked event; retryAllParked also reports
 * 'skipped' for events after one of the same aggregate that was parked again.
 */
export type RetryOutcome = 'handled' | 'parked-again' | 'not-parked' | 'skipped';

/** How a subscriber takes one event: the delivery the Eventloom builds for it (eventloom.deliveryFor(subscriber)). */
export type ParkedEventHandler = (event: StoredEvent) => Promise<void>;

/**
 * Hands a parked event back to its subscriber's `handle` (the core's
 * delivery: retries, then parks again on failure). The entry is removed only
 * once handle succeeded without parking it again, so a crash mid-retry
 * leaves it parked.
 */
export async function retryParked(store: DeadLetterStore, subscriberId: string, eventId: string, handle: ParkedEventHandler): Promise<RetryOutcome> {
  const found = await store.find(subscriberId, eventId);
  if (!found) return 'not-parked';
  return retryEntry(store, found, handle);
}

/**
 * Retries every parked event of a subscriber, oldest first (for one
 * aggregate: in version order). Once an event is parked again, the later
 * events of its aggregate are left parked ('skipped'), to keep their order.
 * Undecodable messages are left alone: discard them once their producer is fixed.
 */
export async function retryAllParked(store: DeadLetterStore, subscriberId: string, handle: ParkedEventHandler): Promise<Map<string, RetryOutcome>> {
  const outcomes = new Map<string, RetryOutcome>();
  const stuck = new Set<string>();
  for (const parked of await store.list(subscriberId)) {
    if (isUndecodable(parked.event)) continue;
    const key = aggregateKey(parked.event.aggregateType, parked.event.aggregateId);
    if (stuck.has(key)) {
      outcomes.set(parked.event.eventId, 'skipped');
      continue;
    }
    const outcome = await retryParked(store, subscriberId, parked.event.eventId, handle);
    if (outcome === 'parked-again') stuck.add(key);
    outcomes.set(parked.event.eventId, outcome);
  }
  return outcomes;
}

/** Drops a parked event for good (e.g. an undecodable message once its producer is fixed); undefined when it was not parked. */
export async function discardParked(store: DeadLetterStore, subscriberId: string, eventId: string): Promise<ParkedEvent | undefined> {
  return store.take(subscriberId, eventId);
}

async function retryEntry(store: DeadLetterStore, { parked, timesParked }: ParkedEntry, handle: ParkedEventHandler): Promise<RetryOutcome> {
  const { subscriberId, event } = parked;
  if (isUndecodable(event)) {
    throw new UndecodableMessageError(
      `Parked message ${event.eventId} of subscriber '${subscriberId}' is not a published event, so no handler can take it. Fix its producer, then discard it.`,
    );
  }
  await handle(event);
  return (await store.release(subscriberId, event.eventId, timesParked)) ? 'handled' : 'parked-again';
}
