import { inspect } from 'node:util';

/** The first difference found between two states: where, and the value before and after. */
export interface StateChange {
  /** Property path from the aggregate, e.g. `state`, `total.value`, `lines[2].quantity`, `reservations.get("o-1")`. */
  readonly path: string;
  readonly was: unknown;
  readonly is: unknown;
}

/**
 * A deep copy of a state, to compare with later: nested objects keep their
 * prototypes; arrays, Dates, Maps and Sets are copied; functions are shared.
 */
export function copyState<T>(value: T): T {
  return copy(value, new Map()) as T;
}

/** The first place where `after` differs from the copy `before`, or undefined if nothing changed. */
export function findStateChange(before: unknown, after: unknown): StateChange | undefined {
  return compare(before, after, '', new Map());
}

/** A value as a failure message shows it: strings quoted, objects on one line. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return inspect(value, { depth: 3, breakLength: Infinity });
}

function copy(value: unknown, copies: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof Map) {
    const map = new Map<unknown, unknown>();
    copies.set(value, map);
    for (const [key, entry] of value) map.set(copy(key, copies), copy(entry, copies));
    return map;
  }
  if (value instanceof Set) {
    const set = new Set<unknown>();
    copies.set(value, set);
    for (const entry of value) set.add(copy(entry, copies));
    return set;
  }
  if (Array.isArray(value)) {
    const array: unknown[] = [];
    copies.set(value, array);
    value.forEach((entry, index) => (array[index] = copy(entry, copies)));
    return array;
  }
  const object = Object.create(Object.getPrototypeOf(value) as object | null) as object;
  copies.set(value, object);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if ('value' in descriptor) descriptor.value = copy(descriptor.value, copies);
    Object.defineProperty(object, key, descriptor);
  }
  return object;
}

function compare(was: unknown, is: unknown, path: string, compared: Map<object, object>): StateChange | undefined {
  if (Object.is(was, is)) return undefined;
  const changed = { path: path || '(the aggregate itself)', was, is };
  if (typeof was !== 'object' || was === null || typeof is !== 'object' || is === null) return changed;
  // A cycle leads back to a pair already being compared: nothing new to find there.
  if (compared.get(was) === is) return undefined;
  compared.set(was, is);
  if (Object.getPrototypeOf(was) !== Object.getPrototypeOf(is)) return changed;
  if (was instanceof Date) return was.getTime() === (is as Date).getTime() ? undefined : changed;
  if (was instanceof Set) return compareSets(was, is as Set<unknown>, changed, compared);
  if (was instanceof Map) return compareMaps(was, is as Map<unknown, unknown>, path, changed, compared);
  if (Array.isArray(was)) {
    const after = is as unknown[];
    if (was.length !== after.length) return changed;
    for (let i = 0; i < was.length; i++) {
      const found = compare(was[i], after[i], `${path}[${i}]`, compared);
      if (found) return found;
    }
    return undefined;
  }
  const keys = new Set([...Reflect.ownKeys(was), ...Reflect.ownKeys(is)]);
  for (const key of keys) {
    const found = compare(ownValue(was, key), ownValue(is, key), child(path, key), compared);
    if (found) return found;
  }
  return undefined;
}

/** Sets are reported whole: an element has no name to put in a path. */
function compareSets(was: Set<unknown>, is: Set<unknown>, changed: StateChange, compared: Map<object, object>): StateChange | undefined {
  if (was.size !== is.size) return changed;
  const before = [...was];
  const after = [...is];
  return before.some((entry, i) => compare(entry, after[i], '', compared)) ? changed : undefined;
}

function compareMaps(
  was: Map<unknown, unknown>,
  is: Map<unknown, unknown>,
  path: string,
  changed: StateChange,
  compared: Map<object, object>,
): StateChange | undefined {
  if (was.size !== is.size) return changed;
  const before = [...was];
  const after = [...is];
  for (let i = 0; i < before.length; i++) {
    if (compare(before[i][0], after[i][0], '', compared)) return changed;
    const found = compare(before[i][1], after[i][1], `${path}.get(${formatValue(before[i][0])})`, compared);
    if (found) return found;
  }
  return undefined;
}

function ownValue(object: object, key: string | symbol): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  // Accessors are computed from other fields; the fields themselves are compared.
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

function child(path: string, key: string | symbol): string {
  const name = typeof key === 'symbol' ? `[${key.toString()}]` : key;
  return path && typeof key === 'string' ? `${path}.${name}` : `${path}${name}`;
}
