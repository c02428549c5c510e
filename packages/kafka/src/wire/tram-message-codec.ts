import { IHeaders, Message as KafkaMessage } from 'kafkajs';
import { CommandHeaders, Message, MessageHeaders, ReplyHeaders } from '@eventloom/core';
import { eventToMessage, messageToEvent, StoredEvent } from '@eventloom/core/spi';
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

/** The message a Tram-shaped Kafka record carries, as a publication entry; undefined when the record is not one. */
export function decodeTramMessage(record: ReceivedMessage): StoredEvent | undefined {
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
  const version = Number(headerText(record.headers, Headers.version) ?? Number(record.offset) + 1);
  const positionText = headerText(record.headers, Headers.position);
  const timestampText = headerText(record.headers, Headers.timestamp);
  return {
    ...messageToEvent(message, timestampText ? new Date(timestampText) : new Date(Number(record.timestamp)), version),
    position: positionText === undefined ? undefined : Number(positionText),
  };
}
