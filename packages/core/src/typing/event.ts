import 'reflect-metadata';
import { instanceToPlain, plainToInstance } from 'class-transformer';
import { Class } from './class';
import { InvalidDefinitionError, UnknownEventTypeError } from '../errors';
import { isPlainClass } from './transformer-metadata';
import { wireNames } from './wire-names';

export interface EventOptions {
  /**
   * The aggregate type that emits this event. Subscribers use it to find the
   * stream (Kafka topic) to read. Optional when an aggregate class with an
   * @Apply for this event is loaded in the process.
   */
  aggregateType?: string;
  /** Version of this event's schema, stored with every event (default 1). */
  schemaVersion?: number;
  /** The name on the wire, where another system reads it (e.g. the Java class name an Eventuate subscriber expects); default: the type name. */
  wireName?: string;
}

export interface EventTypeInfo {
  readonly type: string;
  readonly cls: Class;
  aggregateType?: string;
  readonly schemaVersion: number;
  /** Whether JSON alone round-trips the class (no class-transformer decorators); computed on first use. */
  plain?: boolean;
}

const EVENT_TYPE = Symbol.for('eventloom:event-type');

/**
 * The process-wide map between event classes and their stable type names.
 * Type names are what is stored; renaming a class must not change them.
 */
export class EventTypeRegistry {
  private readonly byName = new Map<string, EventTypeInfo>();

  /** `kind` names what this registry holds in its errors: events here, commands and replies in messageTypes. */
  constructor(private readonly kind: { readonly decorator: string; readonly noun: string } = { decorator: 'Event', noun: 'event' }) {}

  register(cls: Class, type: string, options: EventOptions = {}): void {
    if (!type || typeof type !== 'string') {
      throw new InvalidDefinitionError(`@${this.kind.decorator} on ${cls.name} needs a non-empty type name, e.g. @${this.kind.decorator}('${cls.name}').`);
    }
    const existing = this.byName.get(type);
    if (existing && existing.cls !== cls) {
      throw new InvalidDefinitionError(
        `${capitalised(this.kind.noun)} type '${type}' is declared twice (${existing.cls.name} and ${cls.name}). Each ${this.kind.noun} type name must be unique.`,
      );
    }
    this.byName.set(type, {
      type,
      cls,
      aggregateType: options.aggregateType ?? existing?.aggregateType,
      schemaVersion: options.schemaVersion ?? 1,
    });
    if (options.wireName !== undefined) wireNames.nameEvent(type, options.wireName);
    Reflect.defineMetadata(EVENT_TYPE, type, cls);
  }

  /** Records the aggregate that applies an event, unless the event declared one. */
  linkAggregate(cls: Class, aggregateType: string): void {
    const info = this.byName.get(this.typeOf(cls));
    if (info && !info.aggregateType) info.aggregateType = aggregateType;
  }

  typeOf(cls: Class): string {
    const type = Reflect.getOwnMetadata(EVENT_TYPE, cls) as string | undefined;
    if (!type) {
      throw new InvalidDefinitionError(
        `${cls.name} is not ${article(this.kind.noun)} ${this.kind.noun} class. Decorate it with @${this.kind.decorator}('${cls.name}').`,
      );
    }
    return type;
  }

  typeOfInstance(event: object): string {
    return this.typeOf(event.constructor as Class);
  }

  info(type: string, context?: string | (() => string)): EventTypeInfo {
    const info = this.byName.get(type);
    if (!info) throw new UnknownEventTypeError(type, typeof context === 'function' ? context() : context);
    return info;
  }

  has(type: string): boolean {
    return this.byName.has(type);
  }

  /** `type` may be passed when the caller already looked it up. */
  serialize(event: object, type: string = this.typeOfInstance(event)): string {
    const info = this.byName.get(type);
    return info && this.isPlain(info) ? JSON.stringify(event) : JSON.stringify(instanceToPlain(event));
  }

  /** Turns stored JSON back into an instance of the event class, nested value objects included. */
  deserialize(type: string, json: string, context?: string | (() => string)): object {
    const info = this.info(type, context);
    const data = JSON.parse(json) as object;
    if (this.isPlain(info)) return Object.assign(Object.create(info.cls.prototype) as object, data);
    return plainToInstance(info.cls, data) as object;
  }

  private isPlain(info: EventTypeInfo): boolean {
    return (info.plain ??= isPlainClass(info.cls));
  }
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? 'an' : 'a';
}

export const eventTypes = new EventTypeRegistry();

/**
 * Declares an event class under a stable type name:
 * `@Event('OrderCreated') class OrderCreated { ... }`.
 */
export function Event(type: string, options?: EventOptions) {
  return <C extends Class<object>>(cls: C): void => {
    eventTypes.register(cls, type, options);
  };
}
