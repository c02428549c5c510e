import { RowDataPacket } from 'mysql2/promise';
import { EventloomError, EventTooLargeError } from '@eventloom/core';
import { NewEvent, SequencedEvent, StoredEvent } from '@eventloom/core/spi';

/** Columns read for every event, in this order. */
export const EVENT_COLUMNS = 'event_id, event_type, event_data, entity_version, triggering_event, metadata, created_at, position';

export const INSERT_EVENT_COLUMNS =
  '(event_id, event_type, event_data, entity_type, entity_id, entity_version, triggering_event, metadata, created_at)';
export const EVENT_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * An events-table row as read. A load by aggregate does not select the
 * aggregate's type and id (the caller knows them); the publisher reads `id`.
 */
export interface EventRow extends RowDataPacket {
  id?: number | string;
  event_id: string;
  event_type: string;
  event_data: string;
  entity_type?: string;
  entity_id?: string;
  entity_version: number | string;
  triggering_event: string | null;
  metadata: string | null;
  created_at: Date | string;
  position: number | string | null;
}

/** An event read from the events table, with what a sink may forward as stored. */
export interface MySqlStoredEvent extends StoredEvent {
  /** The row's primary key (the publisher marks rows published by it); 0 when the query did not read it. */
  readonly rowId: number;
  /** The metadata as stored: a sink sends it on without parsing and re-serialising it. */
  readonly metadataJson: string;
}

/**
 * The one mapping from an events-table row to an event, for every read path
 * (load, stream, publication log, publisher). Metadata is parsed on first
 * read: the publisher forwards `metadataJson` and never needs it parsed. The
 * getter is an own enumerable property, so spreading or serialising the event
 * (e.g. to park it) still carries the metadata; `rowId` and `metadataJson`
 * are not enumerable, so they stay out of such copies.
 */
export function eventFromRow(row: EventRow, aggregate?: { readonly type: string; readonly id: string }): MySqlStoredEvent {
  const metadataJson = row.metadata ?? '{}';
  let metadata: StoredEvent['metadata'] | undefined;
  const aggregateType = aggregate?.type ?? row.entity_type;
  const aggregateId = aggregate?.id ?? row.entity_id;
  if (aggregateType === undefined || aggregateId === undefined) {
    throw new EventloomError(`Event ${row.event_id}: the query selected no entity_type/entity_id and the aggregate was not given.`);
  }
  const event = {
    eventId: row.event_id,
    eventType: row.event_type,
    eventData: row.event_data,
    aggregateType,
    aggregateId,
    version: Number(row.entity_version),
    triggeringEventId: row.triggering_event ?? undefined,
    timestamp: toDate(row.created_at),
    position: row.position === null ? undefined : safeInteger('position', row.position, row.event_id),
    get metadata(): StoredEvent['metadata'] {
      return (metadata ??= JSON.parse(metadataJson) as StoredEvent['metadata']);
    },
  };
  if (event.version === OUTBOX_MESSAGE_VERSION) asOutboxMessage(event);
  Object.defineProperty(event, 'metadataJson', { value: metadataJson, enumerable: false });
  Object.defineProperty(event, 'rowId', { value: row.id === undefined ? 0 : safeInteger('id', row.id, row.event_id), enumerable: false });
  return event as MySqlStoredEvent;
}

/**
 * Outbox messages (commands, replies, events of services on plain tables)
 * are rows of the events table too, so that the one sequencer gives them
 * positions with the events: entity_id is the message id (unique, as the
 * row's key needs), entity_version 0. Read back, a message is keyed by its
 * partition id and versioned by its position (see messageToEvent).
 */
export const OUTBOX_MESSAGE_VERSION = 0;

function asOutboxMessage(event: { aggregateId: string; version: number; position?: number; readonly metadata: StoredEvent['metadata'] }): void {
  const headers = event.metadata.messageHeaders as Record<string, string> | undefined;
  event.aggregateId = headers?.PARTITION_ID ?? event.aggregateId;
  event.version = event.position ?? OUTBOX_MESSAGE_VERSION;
}

/** An event read by position (WHERE position > ?), which therefore has one. */
export function sequencedEventFromRow(row: EventRow): MySqlStoredEvent & SequencedEvent {
  const event = eventFromRow(row);
  if (event.position === undefined) throw new EventloomError(`Event ${row.event_id} was read by position but has none.`);
  return event as MySqlStoredEvent & SequencedEvent;
}

/**
 * A BIGINT column as a number. mysql2 (supportBigNumbers) hands values beyond
 * 2^53 as strings; converting one would silently round it and, for a position,
 * skip or repeat an event, so such a value is refused, naming it.
 */
export function safeInteger(column: string, value: number | string, eventId: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new EventloomError(
      `Event ${eventId}: ${column} ${String(value)} is beyond ${Number.MAX_SAFE_INTEGER}, the largest integer read exactly; positions and row ids must stay below it.`,
    );
  }
  return n;
}

/** What this package binds to statement placeholders. */
export type SqlValue = string | number | Date | null;

/** One event's bound values, in INSERT_EVENT_COLUMNS order, and its size on the wire. */
export interface EventValues {
  readonly values: SqlValue[];
  readonly bytes: number;
}

const LIMITS: ReadonlyArray<[keyof NewEvent, number]> = [
  ['eventId', 36],
  ['eventType', 255],
  ['aggregateType', 255],
  ['aggregateId', 255],
  ['triggeringEventId', 255],
];

/**
 * Checks an event against the columns before anything is sent: a server in
 * non-strict mode would silently truncate an over-long id and merge two aggregates.
 */
export function eventValues(event: NewEvent, maxEventBytes: number): EventValues {
  for (const [field, max] of LIMITS) {
    const value = event[field];
    if (value !== undefined && (typeof value !== 'string' || value.length > max || value.length === 0)) {
      throw new EventloomError(`Event ${event.eventId}: ${field} must be a non-empty string of at most ${max} characters.`);
    }
  }
  const metadata = JSON.stringify(event.metadata);
  const bytes = Buffer.byteLength(event.eventData, 'utf8') + Buffer.byteLength(metadata, 'utf8');
  if (bytes > maxEventBytes) throw new EventTooLargeError(event.eventType, bytes, maxEventBytes);
  return {
    bytes,
    values: [
      event.eventId,
      event.eventType,
      event.eventData,
      event.aggregateType,
      event.aggregateId,
      event.version,
      event.triggeringEventId ?? null,
      metadata,
      event.timestamp,
    ],
  };
}

/** Splits rows so that no INSERT comes near max_allowed_packet or the 65 535-placeholder limit. */
export function chunkRows(rows: readonly EventValues[], maxBytes: number, maxRows = 500): EventValues[][] {
  const chunks: EventValues[][] = [];
  let current: EventValues[] = [];
  let size = 0;
  for (const row of rows) {
    if (current.length > 0 && (size + row.bytes > maxBytes || current.length >= maxRows)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += row.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Columns read for an event of any aggregate (the publisher, the publication log), in this order. */
export const PUBLICATION_COLUMNS =
  'id, event_id, event_type, event_data, entity_type, entity_id, entity_version, triggering_event, metadata, created_at, position';

export function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  // DATETIME(6) as a string: 'YYYY-MM-DD HH:MM:SS.ffffff', stored in UTC.
  return new Date(value.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'));
}
