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

/**
 * Makes `target` a deep copy of `source` in place: its own properties become
 * copies of `source`'s (as deepCopy makes them), and those `source` lacks are
 * removed. Returns false, changing nothing, when the two are not of one class.
 *
 * The cache keeps one object per aggregate for the process's life and copies
 * each command's result into it: a fresh copy per command lived until the
 * aggregate's next command, long enough at a million aggregates to reach the
 * old generation, where every one became garbage for the major collector.
 */
export function copyInto(target: object, source: object): boolean {
  if (Object.getPrototypeOf(target) !== Object.getPrototypeOf(source)) return false;
  if (Array.isArray(source) || Array.isArray(target) || source instanceof Map || source instanceof Set || source instanceof Date || ArrayBuffer.isView(source)) {
    return false;
  }
  const from = source as Record<string, unknown>;
  const into = target as Record<string, unknown>;
  const keys = Object.keys(from);
  // Object values share one map of what was copied, so shared or cyclic references stay so (the source itself is the target).
  let seen: Map<object, unknown> | undefined;
  for (const key of keys) {
    const value = from[key];
    into[key] = typeof value !== 'object' || value === null ? value : copyValue(value, (seen ??= new Map<object, unknown>([[source, target]])));
  }
  const targetKeys = Object.keys(into);
  if (targetKeys.length !== keys.length) {
    for (const key of targetKeys) if (!Object.prototype.hasOwnProperty.call(from, key)) delete into[key];
  }
  return true;
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
