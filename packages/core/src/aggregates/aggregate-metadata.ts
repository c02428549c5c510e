import 'reflect-metadata';
import { Class } from '../typing/class';
import { eventTypes } from '../typing/event';
import { wireNames } from '../typing/wire-names';
import { SnapshotStrategy } from '../snapshots/snapshot-strategy';
import { InvalidDefinitionError, MissingApplierError, MissingCommandHandlerError } from '../errors';

/** What the decorators recorded about one aggregate class. */
export interface AggregateDefinition {
  readonly type: string;
  readonly cls: Class<object>;
  /** command class -> method name */
  readonly processors: Map<Class, string | symbol>;
  /** event type name -> method name */
  readonly appliers: Map<string, string | symbol>;
  readonly snapshots?: SnapshotStrategy;
  /** The version of this aggregate's snapshot shape (default 1); snapshots of another are ignored. */
  readonly snapshotVersion: number;
}

export interface AggregateOptions {
  /** When to snapshot this aggregate type; a repository option overrides it. */
  snapshots?: SnapshotStrategy;
  /** The name on the wire (e.g. the Java class name, which is also the topic, for Eventuate); default: the type name. */
  wireName?: string;
  /**
   * The version of the shape its snapshots are stored in (default 1). Raise
   * it when the aggregate's fields change: snapshots of another version are
   * then ignored (the aggregate is loaded from its events) and replaced by
   * the next append, never revived into the wrong shape.
   */
  snapshotVersion?: number;
}

const AGGREGATE = Symbol.for('eventloom:aggregate');
const PROCESSORS = Symbol.for('eventloom:processors');
const APPLIERS = Symbol.for('eventloom:appliers');

export function defineAggregate(cls: Class<object>, type: string, options: AggregateOptions = {}): void {
  if (!type) throw new InvalidDefinitionError(`@Aggregate on ${cls.name} needs a non-empty type name.`);
  if (options.wireName !== undefined) wireNames.nameAggregate(type, options.wireName);
  const snapshotVersion = options.snapshotVersion ?? 1;
  if (!Number.isInteger(snapshotVersion) || snapshotVersion < 1) {
    throw new InvalidDefinitionError(`@Aggregate('${type}'): snapshotVersion must be an integer from 1, got ${String(options.snapshotVersion)}.`);
  }
  const appliers = (Reflect.getOwnMetadata(APPLIERS, cls.prototype) as Map<Class, string | symbol>) ?? new Map();
  const byName = new Map<string, string | symbol>();
  for (const [eventCls, method] of appliers) {
    byName.set(eventTypes.typeOf(eventCls), method);
    eventTypes.linkAggregate(eventCls, type);
  }
  const definition: AggregateDefinition = {
    type,
    cls,
    processors: (Reflect.getOwnMetadata(PROCESSORS, cls.prototype) as Map<Class, string | symbol>) ?? new Map(),
    appliers: byName,
    snapshots: options.snapshots,
    snapshotVersion,
  };
  Reflect.defineMetadata(AGGREGATE, definition, cls);
}

export function addProcessor(prototype: object, command: Class, method: string | symbol): void {
  const map = (Reflect.getOwnMetadata(PROCESSORS, prototype) as Map<Class, string | symbol>) ?? new Map();
  if (map.has(command)) {
    throw new InvalidDefinitionError(`${prototype.constructor.name} has two @CommandHandler(${command.name}) handlers.`);
  }
  map.set(command, method);
  Reflect.defineMetadata(PROCESSORS, map, prototype);
}

export function addApplier(prototype: object, event: Class, method: string | symbol): void {
  const map = (Reflect.getOwnMetadata(APPLIERS, prototype) as Map<Class, string | symbol>) ?? new Map();
  if (map.has(event)) {
    throw new InvalidDefinitionError(`${prototype.constructor.name} has two @Apply(${event.name}) appliers.`);
  }
  map.set(event, method);
  Reflect.defineMetadata(APPLIERS, map, prototype);
}

export function aggregateDefinition(cls: Class<object>): AggregateDefinition {
  const definition = Reflect.getOwnMetadata(AGGREGATE, cls) as AggregateDefinition | undefined;
  if (!definition) {
    throw new InvalidDefinitionError(`${cls.name} is not an aggregate. Decorate it with @Aggregate('${cls.name}').`);
  }
  return definition;
}

/**
 * Runs the command handler for `command` and returns the events it decided on.
 * The one dispatch path for the repository and the test fixture, so both fail alike.
 */
export function processCommand(definition: AggregateDefinition, aggregate: object, command: object): object[] {
  const method = definition.processors.get(command.constructor as Class);
  if (!method) throw new MissingCommandHandlerError(definition.type, command.constructor.name);
  const result = (aggregate as Record<string | symbol, (c: object) => unknown>)[method](command);
  if (result === undefined || result === null) return [];
  if (result instanceof Promise) {
    // Refused whatever it settles to; a rejection must not surface later as an unhandled one.
    result.catch(() => undefined);
    throw new InvalidDefinitionError(
      `${definition.type}.${String(method)} returned a Promise. Command handlers decide synchronously from state; do I/O before sending the command.`,
    );
  }
  const decided = Array.isArray(result) ? (result as unknown[]) : [result];
  for (const event of decided) {
    if (!isEvent(event)) {
      throw new InvalidDefinitionError(
        `${definition.type}.${String(method)} returned ${describeValue(event)}, which is not an event. ` +
          'A command handler returns instances of @Event classes: one, an array, or nothing.',
      );
    }
  }
  return decided as object[];
}

/** Like processCommand, for a new aggregate: a creation that decides nothing has nothing to store. */
export function processCreation(definition: AggregateDefinition, aggregate: object, command: object): object[] {
  const decided = processCommand(definition, aggregate, command);
  if (decided.length === 0) {
    throw new InvalidDefinitionError(
      `${definition.type}: the command handler for ${command.constructor.name} returned no events, so there is nothing to create.`,
    );
  }
  return decided;
}

function isEvent(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  try {
    eventTypes.typeOfInstance(value);
    return true;
  } catch {
    return false;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `a ${typeof value} (${String(value)})`;
  return `an instance of ${value.constructor?.name ?? 'Object'}`;
}

export function applyEvent(definition: AggregateDefinition, aggregate: object, event: object): void {
  const type = eventTypes.typeOfInstance(event);
  const method = definition.appliers.get(type);
  if (!method) throw new MissingApplierError(definition.type, type);
  (aggregate as Record<string | symbol, (e: object) => unknown>)[method](event);
}
