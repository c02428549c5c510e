import { IHeaders, Message } from 'kafkajs';
import { EventMetadataFields } from '@eventloom/core';
import { describeError, StoredEvent, wireNames } from '@eventloom/core/spi';
import { fromEventuateId, toEventuateId } from './eventuate-id';
import { decodeMultiMessage, isMultiMessage } from './eventuate-multi-message';
import { Headers, headerText, TraceHeaders } from './headers';
import { metadataFromWire, metadataToWire } from './wire-metadata';

/**
 * The message value, in the shape of Eventuate Local's PublishedEvent, as
 * Eventuate's Java subscribers read it: `id` in Int128 text form, `entityType`
 * and `eventType` under their wire names (Java class names, when declared),
 * `eventData` the event's JSON as a string, `metadata` a JSON object of strings
 * as a string. What Eventuate's shape has no field for travels in headers.
 * The mapping, field by field, is in packages/kafka/README.md.
 */
export interface PublishedEventValue {
  readonly id: string;
  readonly entityId: string;
  readonly entityType: string;
  readonly eventType: string;
  readonly eventData: string;
  readonly metadata?: string | null;
}

/**
 * Key = aggregate id (one aggregate, one partition, in order); value = PublishedEvent JSON; the rest in headers.
 * `metadataJson`, when given, is the metadata as stored (read instead of `event.metadata`).
 */
export function encodePublishedEvent(event: StoredEvent, metadataJson?: string): Message {
  if (event.position === undefined) throw new Error(`Event ${event.eventId} has no position; only sequenced events are published.`);
  const { fields, wire: metadata } =
    metadataJson !== undefined ? storedMetadataToWire(metadataJson) : { fields: event.metadata as Record<string, unknown>, wire: metadataToWire(event.metadata) };
  const entityType = wireNames.aggregateOnWire(event.aggregateType);
  const value: PublishedEventValue = {
    id: toEventuateId(event.eventId),
    entityId: event.aggregateId,
    entityType,
    eventType: wireNames.eventOnWire(event.eventType),
    eventData: event.eventData,
    metadata: metadata.text,
  };
  const headers: IHeaders = {
    [Headers.eventType]: event.eventType,
    [Headers.version]: String(event.version),
    [Headers.position]: String(event.position),
    [Headers.timestamp]: event.timestamp.toISOString(),
  };
  if (event.triggeringEventId) headers[Headers.triggeringEvent] = event.triggeringEventId;
  if (entityType !== event.aggregateType) headers[Headers.aggregateType] = event.aggregateType;
  if (metadata.typed !== undefined) headers[Headers.typedMetadata] = metadata.typed;
  for (const name of TraceHeaders) if (typeof fields[name] === 'string') headers[name] = fields[name];
  // No record timestamp: kafkajs sorts the timestamps of every batch as strings (a hot spot at 20k/s),
  // and the event's time is in a header anyway. The record carries the send time.
  return { key: event.aggregateId, value: JSON.stringify(value), headers };
}

/**
 * Stored metadata JSON as it goes on the wire. The events of one append share
 * their metadata, and the publisher sends them together: the last answer is
 * kept, which spares most of the parsing and re-serialising.
 */
function storedMetadataToWire(metadataJson: string): StoredMetadata {
  if (lastStoredMetadata?.json !== metadataJson) {
    const fields = JSON.parse(metadataJson) as Record<string, unknown>;
    lastStoredMetadata = { json: metadataJson, fields, wire: metadataToWire(fields) };
  }
  return lastStoredMetadata;
}
interface StoredMetadata {
  readonly fields: Record<string, unknown>;
  readonly wire: ReturnType<typeof metadataToWire>;
}
let lastStoredMetadata: (StoredMetadata & { readonly json: string }) | undefined;

/** A message as read from a topic. */
export interface ReceivedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
  readonly timestamp: string;
}

export type Decoded = { readonly ok: true; readonly event: StoredEvent } | { readonly ok: false; readonly reason: string; readonly event: StoredEvent };

/**
 * Turns a record into the events it holds: one for a PublishedEvent JSON
 * value (Eventloom's, with its headers, or an Eventuate writer's, without
 * them), several for Eventuate's multi-message format. An event that cannot
 * be read (not JSON, a field missing or of the wrong type, eventData not
 * JSON) decodes to `ok: false` with the reason and a stand-in event carrying
 * the raw value, so that it can be parked as is.
 *
 * Without Eventloom's headers, an event has version 0 (unknown: Eventuate
 * sends none), no position, its event and aggregate types from their wire
 * names, and the record's timestamp.
 */
export function decodeRecord(message: ReceivedMessage): Decoded[] {
  const value = message.value;
  if (value && isMultiMessage(value)) {
    let parts;
    try {
      parts = decodeMultiMessage(value).messages;
    } catch (error) {
      return [failure(message, error, undefined, value.toString('base64'))];
    }
    return parts.map((part, index) => {
      const headers: IHeaders = Object.fromEntries(part.headers);
      return attempt(message, () => decodeValue(Buffer.from(part.value, 'utf8'), headers, message), index, part.value);
    });
  }
  return [attempt(message, () => decodeValue(value, message.headers, message))];
}

function attempt(message: ReceivedMessage, decode: () => StoredEvent, part?: number, raw?: string): Decoded {
  try {
    return { ok: true, event: decode() };
  } catch (error) {
    return failure(message, error, part, raw);
  }
}

/** `raw` is what is kept as the stand-in's eventData: the message value by default, a part's value, or a binary value as base64. */
function failure(message: ReceivedMessage, error: unknown, part?: number, raw?: string): Decoded {
  const reason = `Undecodable message at ${where(message, part)}: ${describeError(error)}`;
  return { ok: false, reason, event: standIn(message, part, raw ?? message.value?.toString('utf8') ?? '') };
}

function decodeValue(raw: Buffer | null, headers: IHeaders | undefined, message: ReceivedMessage): StoredEvent {
  if (!raw || raw.length === 0) throw new Error('the value is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new Error(`the value is not JSON (${describeError(error)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the value is not a JSON object');
  const value = parsed as Record<string, unknown>;
  const id = text(value, 'id');
  const entityId = text(value, 'entityId');
  const entityType = text(value, 'entityType');
  const eventType = text(value, 'eventType');
  const eventData = text(value, 'eventData');
  try {
    JSON.parse(eventData);
  } catch {
    throw new Error("'eventData' is not a JSON string");
  }
  const metadata = withTraceHeaders(metadataFromWire(value.metadata, headerText(headers, Headers.typedMetadata)), headers);
  const version = integerHeader(headers, Headers.version) ?? 0;
  const position = integerHeader(headers, Headers.position);
  const timestampText = headerText(headers, Headers.timestamp);
  const timestamp = timestampText ? new Date(timestampText) : new Date(Number(message.timestamp));
  if (Number.isNaN(timestamp.getTime())) throw new Error(`header '${Headers.timestamp}' is not a date`);
  return {
    eventId: fromEventuateId(id),
    eventType: headerText(headers, Headers.eventType) ?? wireNames.eventFromWire(eventType),
    eventData,
    aggregateType: headerText(headers, Headers.aggregateType) ?? wireNames.aggregateFromWire(entityType),
    aggregateId: entityId,
    version,
    triggeringEventId: headerText(headers, Headers.triggeringEvent),
    metadata,
    timestamp,
    position,
  };
}

/** The trace context of a writer that sent it only in headers (the metadata's own copy wins). */
function withTraceHeaders(metadata: EventMetadataFields, headers: IHeaders | undefined): EventMetadataFields {
  if (metadata.traceparent !== undefined) return metadata;
  let traced: Record<string, string> | undefined;
  for (const name of TraceHeaders) {
    const value = headerText(headers, name);
    if (value !== undefined) (traced ??= {})[name] = value;
  }
  return traced ? { ...metadata, ...traced } : metadata;
}

function text(value: Record<string, unknown>, field: string): string {
  const v = value[field];
  if (typeof v !== 'string' || v.length === 0) throw new Error(`field '${field}' is missing or not a non-empty string`);
  return v;
}

function integerHeader(headers: IHeaders | undefined, name: string): number | undefined {
  const raw = headerText(headers, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`header '${name}' is not a positive integer ('${raw}')`);
  return n;
}

function where(message: ReceivedMessage, part?: number): string {
  return `${message.topic}/${message.partition}@${message.offset}${part === undefined ? '' : `#${part}`}`;
}

/** What a parked undecodable message looks like: its raw value as eventData, its place in Kafka as id and metadata, marked as the core's isUndecodable expects. */
function standIn(message: ReceivedMessage, part: number | undefined, raw: string): StoredEvent {
  const key = message.key?.toString('utf8') ?? '';
  return {
    eventId: `kafka:${where(message, part)}`,
    eventType: headerText(message.headers, Headers.eventType) ?? '(undecodable)',
    eventData: raw,
    aggregateType: message.topic,
    aggregateId: key,
    version: 0,
    metadata: {
      correlationId: '',
      schemaVersion: 0,
      undecodable: true,
      kafka: { topic: message.topic, partition: message.partition, offset: message.offset, ...(part === undefined ? {} : { part }) },
    },
    timestamp: new Date(Number(message.timestamp) || Date.now()),
  };
}

/** True for the stand-in of an undecodable message (it cannot be handed to a handler): the core's marker. */
export { isUndecodable } from '@eventloom/core/spi';
