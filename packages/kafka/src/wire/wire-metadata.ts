import { EventMetadataFields } from '@eventloom/core';

/**
 * Metadata on the wire is a JSON object of strings, as Eventuate reads it
 * (a Map<String, String>): every value that is not a string is written as
 * text (`schemaVersion: 1` as `"1"`, an object as its JSON). What that loses
 * for Eventloom's own readers travels beside it: the original JSON of the
 * fields that are not strings, other than schemaVersion (which is read back
 * as a number), in the `typed` part, sent in a header only when there is one.
 */
export interface WireMetadata {
  /** The `metadata` field: a JSON object of strings. */
  readonly text: string;
  /** JSON of the fields whose values are not strings (schemaVersion aside); undefined when there are none. */
  readonly typed?: string;
}

export function metadataToWire(metadata: EventMetadataFields | Record<string, unknown>): WireMetadata {
  const strings: Record<string, string> = {};
  let typed: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(metadata)) {
    if (value === undefined) continue;
    if (typeof value === 'string') {
      strings[name] = value;
      continue;
    }
    strings[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (name !== 'schemaVersion') (typed ??= {})[name] = value;
  }
  return { text: JSON.stringify(strings), typed: typed && JSON.stringify(typed) };
}

/**
 * The metadata of a received message: the `metadata` field (a JSON string,
 * or an object from a writer that sent one; absent or null is none), with
 * schemaVersion as a number and the `typed` fields, when given, restored.
 */
export function metadataFromWire(raw: unknown, typed?: string): EventMetadataFields {
  if (raw === undefined || raw === null) return { correlationId: '', schemaVersion: 1 };
  const parsed = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error("'metadata' is not a JSON object");
  const fields: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
  if (typeof fields.schemaVersion === 'string') {
    const n = Number(fields.schemaVersion);
    if (!Number.isSafeInteger(n)) throw new Error(`metadata 'schemaVersion' is not an integer ('${fields.schemaVersion}')`);
    fields.schemaVersion = n;
  }
  if (typed !== undefined) {
    const restored = JSON.parse(typed) as unknown;
    if (typeof restored !== 'object' || restored === null || Array.isArray(restored)) throw new Error('the typed metadata header is not a JSON object');
    Object.assign(fields, restored);
  }
  fields.correlationId ??= '';
  fields.schemaVersion ??= 1;
  return fields as EventMetadataFields;
}
