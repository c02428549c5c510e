/**
 * A deep copy that keeps every object's class (prototype), so the copy's
 * command handlers, appliers and value objects work as on the original. The
 * aggregate cache hands each command its own copy: a command that mutates its
 * aggregate, or throws half-way, never touches what the next command starts from.
 *
 * Own enumerable properties are copied (as class-transformer and snapshots see
 * them); Date, Map, Set, arrays and typed arrays are copied by kind, functions
 * are shared, and shared or cyclic references stay shared or cyclic.
 */
export function deepCopy<T>(value: T): T {
  return copyValue(value, new Map()) as T;
}

function copyValue(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (value instanceof Date) return remember(seen, value, new Date(value.getTime()));
  if (ArrayBuffer.isView(value)) return remember(seen, value, (value as unknown as { slice(): unknown }).slice());
  if (Array.isArray(value)) {
    const copy: unknown[] = remember(seen, value, new Array(value.length));
    for (let i = 0; i < value.length; i++) copy[i] = copyValue(value[i], seen);
    return copy;
  }
  if (value instanceof Map) {
    const copy = remember(seen, value, new Map());
    for (const [k, v] of value) copy.set(copyValue(k, seen), copyValue(v, seen));
    return copy;
  }
  if (value instanceof Set) {
    const copy = remember(seen, value, new Set());
    for (const v of value) copy.add(copyValue(v, seen));
    return copy;
  }
  const copy = remember(seen, value, Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>);
  for (const key of Object.keys(value)) copy[key] = copyValue((value as Record<string, unknown>)[key], seen);
  return copy;
}

function remember<C>(seen: Map<object, unknown>, original: object, copy: C): C {
  seen.set(original, copy);
  return copy;
}
