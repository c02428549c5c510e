import 'reflect-metadata';
import { Class } from '../typing/class';
import { eventTypes } from '../typing/event';
import { InvalidDefinitionError } from '../errors';
import { BatchOptions } from './delivery-batch';

export interface SubscriberDefinition {
  readonly subscriberId: string;
  /** event type name -> method name; an event's aliases (old names) lead to its method too */
  readonly handlers: Map<string, string | symbol>;
  /** Set when the subscriber handles runs of events as one unit of work. */
  readonly batch?: BatchOptions;
}

export interface SubscriberOptions {
  /**
   * Handle runs of up to `maxEvents` events as one unit of work: the handlers
   * stay per event and run one after the other; what joins `ctx.batch` (a
   * MySQL view's transaction) commits once per run. A transport that cannot
   * batch delivers one event at a time, as without this option.
   */
  readonly batch?: BatchOptions;
}

const SUBSCRIBER_ID = Symbol.for('eventloom:subscriber-id');
const HANDLERS = Symbol.for('eventloom:event-handlers');
const OPTIONS = Symbol.for('eventloom:subscriber-options');

export function defineSubscriber(cls: Class, subscriberId: string, options: SubscriberOptions = {}): void {
  if (!subscriberId) throw new InvalidDefinitionError(`@EventSubscriber on ${cls.name} needs a non-empty subscriber id.`);
  // Stored with the event id as the idempotency key of the commands it sends (255 characters at most).
  if (subscriberId.length > 150) {
    throw new InvalidDefinitionError(`@EventSubscriber on ${cls.name}: the subscriber id is ${subscriberId.length} characters; use at most 150.`);
  }
  const maxEvents = options.batch?.maxEvents;
  if (maxEvents !== undefined && !(Number.isInteger(maxEvents) && maxEvents >= 1)) {
    throw new InvalidDefinitionError(`@EventSubscriber('${subscriberId}') on ${cls.name}: batch.maxEvents is ${String(maxEvents)}; give a positive integer (e.g. 500).`);
  }
  Reflect.defineMetadata(SUBSCRIBER_ID, subscriberId, cls);
  Reflect.defineMetadata(OPTIONS, options, cls);
}

export function addEventHandler(prototype: object, event: Class, method: string | symbol): void {
  const list = (Reflect.getOwnMetadata(HANDLERS, prototype) as Array<[Class, string | symbol]>) ?? [];
  list.push([event, method]);
  Reflect.defineMetadata(HANDLERS, list, prototype);
}

export function subscriberDefinition(subscriber: object): SubscriberDefinition {
  const cls = subscriber.constructor as Class;
  const subscriberId = Reflect.getOwnMetadata(SUBSCRIBER_ID, cls) as string | undefined;
  if (!subscriberId) {
    throw new InvalidDefinitionError(
      `${cls.name} is not a subscriber. Decorate it with @EventSubscriber('some-durable-id').`,
    );
  }
  const handlers = new Map<string, string | symbol>();
  for (const [event, method] of (Reflect.getOwnMetadata(HANDLERS, cls.prototype) as Array<[Class, string | symbol]>) ?? []) {
    const type = eventTypes.typeOf(event);
    if (handlers.has(type)) {
      throw new InvalidDefinitionError(`${cls.name} has two handlers for event '${type}'.`);
    }
    handlers.set(type, method);
  }
  for (const [type, method] of [...handlers]) {
    for (const alias of eventTypes.info(type).aliases) handlers.set(alias, method);
  }
  if (handlers.size === 0) {
    throw new InvalidDefinitionError(`${cls.name} has no @EventHandlerMethod; a subscriber needs at least one.`);
  }
  const options = (Reflect.getOwnMetadata(OPTIONS, cls) as SubscriberOptions | undefined) ?? {};
  return options.batch ? { subscriberId, handlers, batch: { maxEvents: options.batch.maxEvents } } : { subscriberId, handlers };
}

/** The aggregate types (streams) a subscriber must read. */
export function aggregateTypesOf(definition: SubscriberDefinition): string[] {
  const types = new Set<string>();
  for (const eventType of definition.handlers.keys()) {
    const aggregateType = eventTypes.info(eventType).aggregateType;
    if (!aggregateType) {
      throw new InvalidDefinitionError(
        `Subscriber '${definition.subscriberId}' handles '${eventType}', but no aggregate type is known for it. ` +
          `Declare @Event('${eventType}', { aggregateType: '...' }) or import the aggregate class that applies it.`,
      );
    }
    types.add(aggregateType);
  }
  return [...types];
}
