import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

/** A new unique id that sorts by creation time (UUIDv7). */
export function newId(): string {
  return uuidv7();
}

const NAMESPACE = '6f1d6a2e-3c7b-4c39-9b7a-2f1f1d7e0c11';

/** A stable id derived from its parts, for creates that must be idempotent. */
export function derivedId(...parts: string[]): string {
  return uuidv5(parts.join('\u0000'), NAMESPACE);
}
