import { defaultDelivery, DeliveryOptions, Eventloom, eventDelivery, Logger, consoleLogger, StoredEvent, subscriberDefinition } from '@eventloom/core';

/**
 * The `handle` function the Eventloom builds for a subscriber (decode,
 * dispatch, retry, park), for use outside a subscription: retrying parked
 * events, rebuilding a view.
 */
export function deliveryFor(
  eventloom: Eventloom,
  subscriber: object,
  options: { delivery?: Partial<DeliveryOptions>; logger?: Logger } = {},
): (event: StoredEvent) => Promise<void> {
  return eventDelivery(subscriber, subscriberDefinition(subscriber), {
    repository: eventloom.repository,
    deadLetters: eventloom.deadLetters,
    logger: options.logger ?? consoleLogger,
    options: { ...defaultDelivery, ...options.delivery },
    isClosed: () => false,
  });
}
