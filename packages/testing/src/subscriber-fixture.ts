import { AggregateRepository, EventContext } from '@eventloom/core';
import { eventContext, eventTypes, newId, StoredEvent, subscriberDefinition, toEnvelope } from '@eventloom/core/spi';
import { InMemoryEventStore } from '@eventloom/in-memory';
import { describeFailure, FixtureFailure } from './fixture-failure';

export interface DeliverOptions {
  aggregateType?: string;
  aggregateId?: string;
  version?: number;
  eventId?: string;
  /** Which delivery attempt the handler sees, from 1 (default 1). */
  attempt?: number;
  repository?: AggregateRepository;
}

/**
 * Calls a subscriber's handler for one event as the runtime would: the event
 * is stored as JSON and decoded again, and the handler gets the runtime's
 * EventContext, which it returns. Commands it sends go to `repository`
 * (default: a fresh in-memory one). A handler that throws fails the fixture
 * with a message naming the subscriber, the event and the error (the error is
 * the failure's `cause`).
 */
export async function deliver(subscriber: object, event: object, options: DeliverOptions = {}): Promise<EventContext> {
  const definition = subscriberDefinition(subscriber);
  const eventType = eventTypes.typeOfInstance(event);
  const method = definition.handlers.get(eventType);
  if (!method) {
    throw new FixtureFailure(
      `Subscriber '${definition.subscriberId}' has no handler for ${eventType}; it handles ${[...definition.handlers.keys()].join(', ')}. ` +
        `Add a method decorated with @EventHandlerMethod(${eventType}) to ${subscriber.constructor.name}, or deliver an event it handles.`,
    );
  }
  const stored: StoredEvent = {
    eventId: options.eventId ?? newId(),
    eventType,
    eventData: eventTypes.serialize(event, eventType),
    aggregateType: options.aggregateType ?? eventTypes.info(eventType).aggregateType ?? 'Unknown',
    aggregateId: options.aggregateId ?? newId(),
    version: options.version ?? 1,
    metadata: { correlationId: newId(), schemaVersion: eventTypes.info(eventType).schemaVersion },
    timestamp: new Date(),
  };
  const repository = options.repository ?? new AggregateRepository(new InMemoryEventStore());
  const context = eventContext(toEnvelope(stored), definition.subscriberId, options.attempt ?? 1, repository);
  try {
    await (subscriber as Record<string | symbol, (c: EventContext) => unknown>)[method](context);
  } catch (error) {
    throw new FixtureFailure(
      `Subscriber '${definition.subscriberId}' failed handling ${eventType} (event ${stored.eventId}): ${describeFailure(error)}`,
      { cause: error },
    );
  }
  return context;
}
