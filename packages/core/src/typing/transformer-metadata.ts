import { Class } from './class';

// class-transformer keeps its decorator metadata in a singleton with no public
// "does this class have any?" query. Reading its maps lets plain event classes
// skip the transformer, which costs more than the rest of a load put together.
// If a future version stores metadata differently we fall back to always
// transforming: slower, never wrong.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const storage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: Record<string, unknown> }).defaultMetadataStorage;
const maps = ['_typeMetadatas', '_transformMetadatas', '_exposeMetadatas', '_excludeMetadatas'].map((name) => storage[name]);
const readable = maps.every((m) => m instanceof Map);

/** True when class-transformer has no decorator on the class or its ancestors, so JSON alone round-trips it. */
export function isPlainClass(cls: Class): boolean {
  if (!readable) return false;
  for (let target: unknown = cls; typeof target === 'function' && target !== Function.prototype; target = Object.getPrototypeOf(target)) {
    if (maps.some((m) => (m as Map<unknown, unknown>).has(target))) return false;
  }
  return true;
}
