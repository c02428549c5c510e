import { StoredEvent } from '../typing/stored-event';

/**
 * A message on a channel: Eventuate Tram's model, so that a Tram service can
 * read what we send and we can read what it sends. The payload is JSON text;
 * everything else travels in string headers.
 */
export interface Message {
  readonly id: string;
  /** The channel (Kafka topic) it is sent to: a command channel, a reply channel, or an aggregate type for events. */
  readonly destination: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: string;
}

/** Header names, exactly as Eventuate Tram writes them. */
export const MessageHeaders = {
  ID: 'ID',
  DESTINATION: 'DESTINATION',
  DATE: 'DATE',
  /** Messages with one partition id are delivered in order (the Kafka key). */
  PARTITION_ID: 'PARTITION_ID',
} as const;

export const CommandHeaders = {
  PREFIX: 'command_',
  COMMAND_TYPE: 'command_type',
  RESOURCE: 'command_resource',
  DESTINATION: 'command__destination',
  REPLY_TO: 'command_reply_to',
  /** A reply copies each `command_x` header of its command as `commandreply_x` (Tram's correlation). */
  REPLY_PREFIX: 'commandreply_',
} as const;

export const ReplyHeaders = {
  REPLY_TYPE: 'reply_type',
  IN_REPLY_TO: 'reply_to_message_id',
  REPLY_OUTCOME: 'reply_outcome-type',
} as const;

export type ReplyOutcome = 'SUCCESS' | 'FAILURE';

export const EventHeaders = {
  EVENT_TYPE: 'event-type',
  AGGREGATE_TYPE: 'event-aggregate-type',
  AGGREGATE_ID: 'event-aggregate-id',
} as const;

export const SagaHeaders = {
  SAGA_TYPE: 'command_saga_type',
  SAGA_ID: 'command_saga_id',
  SAGA_REQUEST_ID: 'command_saga_request_id',
  REPLY_SAGA_TYPE: 'commandreply_saga_type',
  REPLY_SAGA_ID: 'commandreply_saga_id',
  REPLY_SAGA_REQUEST_ID: 'commandreply_saga_request_id',
} as const;

/** The header a command's reply carries for one of the command's `command_` headers. */
export function inReply(commandHeader: string): string {
  return CommandHeaders.REPLY_PREFIX + commandHeader.slice(CommandHeaders.PREFIX.length);
}

/** The type a message's headers name: its command, reply or event type. */
export function messageType(headers: Readonly<Record<string, string>>): string {
  return headers[CommandHeaders.COMMAND_TYPE] ?? headers[ReplyHeaders.REPLY_TYPE] ?? headers[EventHeaders.EVENT_TYPE] ?? '';
}

/**
 * Messages travel in the publication like events, so that one sequencer,
 * one transport and one dead-letter store serve both: the destination is the
 * stream (`aggregateType`), the partition id the key (`aggregateId`), the
 * headers ride in the metadata. A domain event published through the outbox
 * is exactly an event of its aggregate to its subscribers; its `version` is
 * its position in the publication (increasing per aggregate, not consecutive).
 */
export function messageToEvent(message: Message, timestamp: Date, version = 0): Omit<StoredEvent, 'position'> {
  return {
    eventId: message.id,
    eventType: messageType(message.headers),
    eventData: message.payload,
    aggregateType: message.destination,
    aggregateId: message.headers[MessageHeaders.PARTITION_ID] ?? message.id,
    version,
    metadata: {
      correlationId: message.headers[MessageHeaders.ID] ?? message.id,
      schemaVersion: 1,
      messageHeaders: message.headers,
      // The trace a message was sent in, where a handler's instrumentation looks for an event's.
      ...(message.headers.traceparent !== undefined && { traceparent: message.headers.traceparent }),
      ...(message.headers.tracestate !== undefined && { tracestate: message.headers.tracestate }),
    },
    timestamp,
  };
}

/** The message a publication entry carries (see messageToEvent); undefined for an event-sourced event. */
export function eventToMessage(event: StoredEvent): Message | undefined {
  const headers = event.metadata.messageHeaders as Record<string, string> | undefined;
  if (!headers) return undefined;
  return { id: event.eventId, destination: event.aggregateType, headers, payload: event.eventData };
}
