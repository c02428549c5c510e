import { IHeaders, Message as KafkaMessage } from 'kafkajs';
import { CommandHeaders, Message, MessageHeaders, ReplyHeaders } from '@eventloom/core';
import { eventToMessage, messageToEvent, StoredEvent } from '@eventloom/core/spi';
import { decodeMultiMessage, isMultiMessage } from './eventuate-multi-message';
import { Headers, headerText } from './headers';
import { ReceivedMessage } from './published-event-codec';

/**
 * Commands and replies travel in Eventuate Tram's message format, so that a
 * Tram participant can answer our commands and we can answer theirs: key =
 * the PARTITION_ID header (else the message id), value =
 * `{"payload": "<JSON text>", "headers": {...}}`. The position and version
 * ride in Eventloom's Kafka headers, as for events; a Tram message has none
 * and is versioned by its offset (increasing per key, as one key is one
 * partition). Domain events from the outbox stay in the PublishedEvent shape
 * (see published-event-codec), so their subscribers cannot tell them apart.
 *
 * Tram's CDC, with batching on, sends several messages of a topic partition
 * in one multi-message record (eventuate-multi-message), each part the same
 * {payload, headers} JSON: those are read too (decodeTramRecord).
 */
export function isCommandOrReply(event: StoredEvent): boolean {
  const headers = event.metadata.messageHeaders as Record<string, string> | undefined;
  return headers !== undefined && (headers[CommandHeaders.COMMAND_TYPE] !== undefined || headers[ReplyHeaders.REPLY_TYPE] !== undefined);
}

export function encodeTramMessage(event: StoredEvent): KafkaMessage {
  const message = eventToMessage(event);
  if (!message || event.position === undefined) throw new Error(`Event ${event.eventId} is not a sequenced message.`);
  const headers: IHeaders = { [Headers.version]: String(event.version), [Headers.position]: String(event.position), [Headers.timestamp]: event.timestamp.toISOString() };
  return { key: message.headers[MessageHeaders.PARTITION_ID] ?? message.id, value: JSON.stringify({ payload: message.payload, headers: message.headers }), headers };
}

/**
 * The messages a Tram-shaped Kafka record carries: one, or each part of a
 * multi-message record; undefined when the record (or any part) is not Tram's
 * {payload, headers}, so that the PublishedEvent codec reads or parks it.
 *
 * The parts of a multi-message record share its offset, so they cannot be
 * versioned by it (two parts of one partition id would look like a resend of
 * each other): they get version 0, which orders them by message id, as
 * Eventuate orders its events (Tram's ids grow per sender).
 */
export function decodeTramRecord(record: ReceivedMessage): StoredEvent[] | undefined {
  // Eventloom sends domain events with their type in a header, and commands and replies without: an event's
  // value need not be parsed here first (the PublishedEvent codec parses it; once is a few % of a catch-up).
  if (headerText(record.headers, Headers.eventType) !== undefined) return undefined;
  if (!record.value || !isMultiMessage(record.value)) {
    const single = decodeTramMessage(record);
    return single && [single];
  }
  let parts;
  try {
    parts = decodeMultiMessage(record.value).messages;
  } catch {
    return undefined;
  }
  const events = parts.map((part) =>
    decodeTramMessage({ ...record, key: Buffer.from(part.key, 'utf8'), value: Buffer.from(part.value, 'utf8'), headers: Object.fromEntries(part.headers) }, 0),
  );
  return events.length > 0 && events.every((event) => event !== undefined) ? (events as StoredEvent[]) : undefined;
}

/**
 * The message a Tram-shaped Kafka record carries, as a publication entry;
 * undefined when the record is not one. Without Eventloom's version header its
 * version is `unheadedVersion`, by default the record's offset + 1.
 */
export function decodeTramMessage(record: ReceivedMessage, unheadedVersion = Number(record.offset) + 1): StoredEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.value?.toString('utf8') ?? '');
  } catch {
    return undefined;
  }
  const value = parsed as { payload?: unknown; headers?: unknown };
  if (typeof value !== 'object' || value === null || typeof value.payload !== 'string' || typeof value.headers !== 'object' || value.headers === null) return undefined;
  const headers = Object.fromEntries(Object.entries(value.headers as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  const id = headers[MessageHeaders.ID];
  if (!id) return undefined;
  const message: Message = { id, destination: headers[MessageHeaders.DESTINATION] ?? record.topic, headers, payload: value.payload };
  const version = Number(headerText(record.headers, Headers.version) ?? unheadedVersion);
  const positionText = headerText(record.headers, Headers.position);
  const timestampText = headerText(record.headers, Headers.timestamp);
  return {
    ...messageToEvent(message, timestampText ? new Date(timestampText) : new Date(Number(record.timestamp)), version),
    position: positionText === undefined ? undefined : Number(positionText),
  };
}
