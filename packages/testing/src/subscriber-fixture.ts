import { AggregateRepository, EventContext, eventContext, newId, subscriberDefinition } from '@eventloom/core';
import { InMemoryEventStore } from '@eventloom/in-memory';

export interface DeliverOptions {
  aggregateType?: string;
  aggregateId?: string;
  version?: number;
  eventId?: string;
  repository?: AggregateRepository;
}

/**
 * Calls a subscriber's handler for one event directly, as the runtime would,
 * and returns the context it got. Commands it sends go to `repository`
 * (default: a fresh in-memory one).
 */
export async function deliver(subscriber: object, event: object, options: DeliverOptions = {}): Promise<EventContext> {
  const definition = subscriberDefinition(subscriber);
  const { eventTypes } = await import('@eventloom/core');
  const eventType = eventTypes.typeOfInstance(event);
  const method = definition.handlers.get(eventType);
  if (!method) throw new Error(`Subscriber '${definition.subscriberId}' has no handler for ${eventType}.`);
  const repository = options.repository ?? new AggregateRepository(new InMemoryEventStore());
  const context = eventContext(
    {
      event,
      eventId: options.eventId ?? newId(),
      eventType,
      aggregateType: options.aggregateType ?? eventTypes.info(eventType).aggregateType ?? 'Unknown',
      aggregateId: options.aggregateId ?? newId(),
      version: options.version ?? 1,
      metadata: { correlationId: newId(), schemaVersion: 1 },
      timestamp: new Date(),
    },
    definition.subscriberId,
    1,
    repository,
  );
  await (subscriber as Record<string | symbol, (c: EventContext) => unknown>)[method](context);
  return context;
}
