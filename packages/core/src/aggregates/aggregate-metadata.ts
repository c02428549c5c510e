import 'reflect-metadata';
import { Class } from '../typing/class';
import { eventTypes } from '../typing/event';
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
}

export interface AggregateOptions {
  /** When to snapshot this aggregate type; a repository option overrides it. */
  snapshots?: SnapshotStrategy;
}

const AGGREGATE = Symbol.for('eventloom:aggregate');
const PROCESSORS = Symbol.for('eventloom:processors');
const APPLIERS = Symbol.for('eventloom:appliers');

export function defineAggregate(cls: Class<object>, type: string, options: AggregateOptions = {}): void {
  if (!type) throw new InvalidDefinitionError(`@Aggregate on ${cls.name} needs a non-empty type name.`);
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
  };
  Reflect.defineMetadata(AGGREGATE, definition, cls);
}

export function addProcessor(prototype: object, command: Class, method: string | symbol): void {
  const map = (Reflect.getOwnMetadata(PROCESSORS, prototype) as Map<Class, string | symbol>) ?? new Map();
  if (map.has(command)) {
    throw new InvalidDefinitionError(`${prototype.constructor.name} has two @Process(${command.name}) handlers.`);
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

/** Runs the command handler for `command`; returns the events it decided on. */
export function processCommand(definition: AggregateDefinition, aggregate: object, command: object): object[] {
  const method = definition.processors.get(command.constructor as Class);
  if (!method) throw new MissingCommandHandlerError(definition.type, command.constructor.name);
  const result = (aggregate as Record<string | symbol, (c: object) => unknown>)[method](command);
  if (result === undefined || result === null) return [];
  if (result instanceof Promise) {
    throw new InvalidDefinitionError(
      `${definition.type}.${String(method)} returned a Promise. Command handlers decide synchronously from state; do I/O before sending the command.`,
    );
  }
  return Array.isArray(result) ? (result as object[]) : [result as object];
}

export function applyEvent(definition: AggregateDefinition, aggregate: object, event: object): void {
  const type = eventTypes.typeOfInstance(event);
  const method = definition.appliers.get(type);
  if (!method) throw new MissingApplierError(definition.type, type);
  (aggregate as Record<string | symbol, (e: object) => unknown>)[method](event);
}
