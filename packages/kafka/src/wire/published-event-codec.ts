import { IHeaders, Message } from 'kafkajs';
import { EventMetadataFields } from '@eventloom/core';
import { describeError, StoredEvent } from '@eventloom/core/spi';
import { Headers, headerText } from './headers';

/**
 * The message value, in the shape of Eventuate Local's PublishedEvent:
 * `eventData` is the event's JSON as a string, and so is `metadata`
 * (Eventuate's Optional<String>). Eventloom adds nothing to the value;
 * what Eventuate's shape has no field for travels in headers.
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
 * `metadataJson`, when given, is the metadata as stored, sent as is (saves a parse and a stringify per event).
 */
export function encodePublishedEvent(event: StoredEvent, metadataJson?: string): Message {
  if (event.position === undefined) throw new Error(`Event ${event.eventId} has no position; only sequenced events are published.`);
  const value: PublishedEventValue = {
    id: event.eventId,
    entityId: event.aggregateId,
    entityType: event.aggregateType,
    eventType: event.eventType,
    eventData: event.eventData,
    metadata: metadataJson ?? JSON.stringify(event.metadata),
  };
  const headers: IHeaders = {
    [Headers.eventType]: event.eventType,
    [Headers.version]: String(event.version),
    [Headers.position]: String(event.position),
    [Headers.timestamp]: event.timestamp.toISOString(),
  };
  if (event.triggeringEventId) headers[Headers.triggeringEvent] = event.triggeringEventId;
  // No record timestamp: kafkajs sorts the timestamps of every batch as strings (a hot spot at 20k/s),
  // and the event's time is in a header anyway. The record carries the send time.
  return { key: event.aggregateId, value: JSON.stringify(value), headers };
}

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
 * Turns a message back into the stored event. A message that is not a
 * published event (not JSON, a field missing or of the wrong type, eventData
 * not JSON, no version header) decodes to `ok: false` with the reason and a
 * stand-in event carrying the raw value, so that it can be parked as is.
 */
export function decodePublishedEvent(message: ReceivedMessage): Decoded {
  try {
    return { ok: true, event: decodeOrThrow(message) };
  } catch (error) {
    const reason = `Undecodable message at ${where(message)}: ${describeError(error)}`;
    return { ok: false, reason, event: standIn(message) };
  }
}

function decodeOrThrow(message: ReceivedMessage): StoredEvent {
  if (!message.value || message.value.length === 0) throw new Error('the value is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value.toString('utf8'));
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
  const metadata = parseMetadata(value.metadata);
  const version = integerHeader(message.headers, Headers.version, true)!;
  const position = integerHeader(message.headers, Headers.position, false);
  const timestampText = headerText(message.headers, Headers.timestamp);
  const timestamp = timestampText ? new Date(timestampText) : new Date(Number(message.timestamp));
  if (Number.isNaN(timestamp.getTime())) throw new Error(`header '${Headers.timestamp}' is not a date`);
  return {
    eventId: id,
    eventType,
    eventData,
    aggregateType: entityType,
    aggregateId: entityId,
    version,
    triggeringEventId: headerText(message.headers, Headers.triggeringEvent),
    metadata,
    timestamp,
    position,
  };
}

function text(value: Record<string, unknown>, field: string): string {
  const v = value[field];
  if (typeof v !== 'string' || v.length === 0) throw new Error(`field '${field}' is missing or not a non-empty string`);
  return v;
}

function parseMetadata(raw: unknown): EventMetadataFields {
  if (raw === undefined || raw === null) return { correlationId: '', schemaVersion: 1 };
  const object = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (typeof object !== 'object' || object === null || Array.isArray(object)) throw new Error("'metadata' is not a JSON object");
  return object as EventMetadataFields;
}

function integerHeader(headers: IHeaders | undefined, name: string, required: boolean): number | undefined {
  const raw = headerText(headers, name);
  if (raw === undefined) {
    if (required) throw new Error(`header '${name}' is missing`);
    return undefined;
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`header '${name}' is not a positive integer ('${raw}')`);
  return n;
}

function where(message: ReceivedMessage): string {
  return `${message.topic}/${message.partition}@${message.offset}`;
}

/** What a parked undecodable message looks like: its raw value as eventData, its place in Kafka as id and metadata, marked as the core's isUndecodable expects. */
function standIn(message: ReceivedMessage): StoredEvent {
  const key = message.key?.toString('utf8') ?? '';
  return {
    eventId: `kafka:${where(message)}`,
    eventType: headerText(message.headers, Headers.eventType) ?? '(undecodable)',
    eventData: message.value?.toString('utf8') ?? '',
    aggregateType: message.topic,
    aggregateId: key,
    version: 0,
    metadata: {
      correlationId: '',
      schemaVersion: 0,
      undecodable: true,
      kafka: { topic: message.topic, partition: message.partition, offset: message.offset },
    },
    timestamp: new Date(Number(message.timestamp) || Date.now()),
  };
}

/** True for the stand-in of an undecodable message (it cannot be handed to a handler): the core's marker. */
export { isUndecodable } from '@eventloom/core/spi';
