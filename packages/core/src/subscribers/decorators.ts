import { Class } from '../typing/class';
import { EventContext } from './event-context';
import { addEventHandler, defineSubscriber, SubscriberOptions } from './subscriber-metadata';

/**
 * Declares a subscriber. Its id names a durable subscription: it receives
 * every event of the types it handles, in order per aggregate, at least once.
 * `{ batch: { maxEvents: 500 } }` handles runs of events as one unit of work.
 */
export function EventSubscriber(subscriberId: string, options?: SubscriberOptions) {
  return <C extends Class<object>>(cls: C): void => defineSubscriber(cls, subscriberId, options);
}

/** Marks a handler method; it receives an EventContext of exactly that event class. */
export function EventHandlerMethod<E>(event: Class<E>) {
  return <F extends (context: EventContext<E>) => unknown>(
    target: object,
    method: string | symbol,
    _descriptor: TypedPropertyDescriptor<F>,
  ): void => addEventHandler(target, event, method);
}
