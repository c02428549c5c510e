import { InvalidDefinitionError, UnknownEventVersionError, UpcastFailedError } from '../errors';
import type { EventTypeInfo } from './event';
import { StoredEvent } from './stored-event';

/** What an upcaster may read besides the data: the stored event, as stored (its JSON aside). */
export type StoredEventInfo = Omit<StoredEvent, 'eventData'>;

/** Turns one version of an event's stored JSON into the next. Pure: the stored row is never changed. */
export type Upcaster<From, To> = (data: From, stored: StoredEventInfo) => To;

/**
 * The JSON an instance of T is stored as: its data properties (methods
 * dropped), nested objects likewise, dates as strings. What the last
 * upcaster must return for the event class to be revived from it.
 */
export type StoredShape<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? StoredShape<U>[]
    : T extends object
      ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: StoredShape<T[K]> }
      : T;

/**
 * The upcasters of one event type, from version 1 of its stored JSON to its
 * current version, one step per version. Each step's input is the previous
 * step's output, so the compiler checks the chain; @Event checks that the
 * last step returns what the class is stored as.
 */
export class Upcasters<Latest = unknown> {
  /** Internal: use upcast<V1>(). */
  constructor(
    /** The oldest version the steps read. */
    readonly first: number,
    /** The version the last step produces (`first` when there is no step). */
    readonly latest: number,
    private readonly steps: readonly Upcaster<never, unknown>[],
  ) {}

  /** Adds the step from the latest version to `version`, which must be the next one. */
  to<Next>(version: number, upcaster: Upcaster<Latest, Next>): Upcasters<Next> {
    if (version !== this.latest + 1) {
      throw new InvalidDefinitionError(
        `upcast(): .to(${version}) follows .to(${this.latest}); each step goes to the next version, .to(${this.latest + 1}).`,
      );
    }
    if (typeof upcaster !== 'function') throw new InvalidDefinitionError(`upcast(): .to(${version}) needs a function from v${this.latest} to v${version}.`);
    return new Upcasters<Next>(this.first, version, [...this.steps, upcaster as Upcaster<never, unknown>]);
  }

  /** Runs the steps from `from` (first..latest) to the latest version on parsed stored JSON. */
  apply(data: unknown, from: number, stored: StoredEventInfo): unknown {
    let value = data;
    for (let version = from; version < this.latest; version++) {
      try {
        value = (this.steps[version - this.first] as Upcaster<unknown, unknown>)(value, stored);
      } catch (error) {
        throw new UpcastFailedError(stored, version, error);
      }
    }
    return value;
  }
}

/**
 * Starts the upcasters of an event type at version 1 (or `from`), whose
 * stored JSON has the shape V1: `upcast<OrderCreatedV1>().to(2, (v1) => ...).to(3, (v2) => ...)`.
 */
export function upcast<V1 = unknown>(from = 1): Upcasters<V1> {
  if (!Number.isInteger(from) || from < 1) throw new InvalidDefinitionError(`upcast(${from}): versions are integers from 1.`);
  return new Upcasters<V1>(from, from, []);
}

/**
 * @Event's check of its upcasters against the class: unknown (no
 * constraint) when the last step returns what the class is stored as, or
 * when there are none; otherwise a shape the class cannot have, naming it.
 */
export type MatchesUpcasters<Latest, Instance> = unknown extends Latest
  ? unknown
  : [Latest] extends [StoredShape<Instance>]
    ? unknown
    : { 'the last upcaster must return the stored shape of the class': StoredShape<Instance> };

/** Refuses, when the class is declared, upcasters that do not end at the schema version. */
export function checkUpcasters(type: string, schemaVersion: number, upcasters: Upcasters | undefined): void {
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new InvalidDefinitionError(`@Event('${type}'): schemaVersion must be an integer from 1, got ${String(schemaVersion)}.`);
  }
  if (upcasters === undefined) return;
  if (!(upcasters instanceof Upcasters)) {
    throw new InvalidDefinitionError(`@Event('${type}'): upcasters must be built with upcast<V1>().to(2, ...).`);
  }
  if (upcasters.latest !== schemaVersion) {
    throw new InvalidDefinitionError(
      `@Event('${type}'): schemaVersion is ${schemaVersion} but its upcasters end at version ${upcasters.latest}; ` +
        `the last step must be .to(${schemaVersion}, ...).`,
    );
  }
}

/** Stored JSON of another schema version than the class's, as the current version (or why it cannot be). */
export function readCurrent(info: EventTypeInfo, stored: StoredEvent, data: unknown, version: unknown, context?: string): unknown {
  const { upcasters } = info;
  if (typeof version !== 'number' || !Number.isInteger(version) || version > info.schemaVersion || !upcasters || version < upcasters.first) {
    throw new UnknownEventVersionError(info.type, version, info.schemaVersion, context);
  }
  return upcasters.apply(data, version, stored);
}
