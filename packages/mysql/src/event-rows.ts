import { RowDataPacket } from 'mysql2/promise';
import { EventloomError, EventTooLargeError } from '@eventloom/core';
import { NewEvent, SequencedEvent, StoredEvent } from '@eventloom/core/spi';

/** Columns read for every event, in this order. */
export const EVENT_COLUMNS = 'event_id, event_type, event_data, entity_version, triggering_event, metadata, created_at, position';

export const INSERT_EVENT_COLUMNS =
  '(event_id, event_type, event_data, entity_type, entity_id, entity_version, triggering_event, metadata, created_at)';
export const EVENT_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';

export interface EventRow extends RowDataPacket {
  event_id: string;
  event_type: string;
  event_data: string;
  entity_version: number;
  triggering_event: string | null;
  metadata: string;
  created_at: Date;
  position: number | string | null;
}

export function toStoredEvent(row: EventRow, aggregateType: string, aggregateId: string): StoredEvent {
  return {
    eventId: row.event_id,
    eventType: row.event_type,
    eventData: row.event_data,
    aggregateType,
    aggregateId,
    version: row.entity_version,
    triggeringEventId: row.triggering_event ?? undefined,
    metadata: JSON.parse(row.metadata) as StoredEvent['metadata'],
    timestamp: row.created_at,
    position: row.position === null ? undefined : Number(row.position),
  };
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

/** A row read with PUBLICATION_COLUMNS. */
export interface PublicationRow {
  id: number | string;
  event_id: string;
  event_type: string;
  event_data: string;
  entity_type: string;
  entity_id: string;
  entity_version: number;
  triggering_event: string | null;
  metadata: string | null;
  created_at: Date | string;
  position: number | string | null;
}

export function publicationRowToStoredEvent(row: PublicationRow): StoredEvent {
  return {
    eventId: row.event_id,
    eventType: row.event_type,
    eventData: row.event_data,
    aggregateType: row.entity_type,
    aggregateId: row.entity_id,
    version: Number(row.entity_version),
    triggeringEventId: row.triggering_event ?? undefined,
    metadata: (row.metadata ? JSON.parse(row.metadata) : {}) as StoredEvent['metadata'],
    timestamp: toDate(row.created_at),
    position: row.position === null ? undefined : Number(row.position),
  };
}

/** A row read by position (WHERE position > ?), which therefore has one. */
export function publicationRowToSequencedEvent(row: PublicationRow): SequencedEvent {
  if (row.position === null) throw new EventloomError(`Event ${row.event_id} was read by position but has none.`);
  return { ...publicationRowToStoredEvent(row), position: Number(row.position) };
}

export function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  // DATETIME(6) as a string: 'YYYY-MM-DD HH:MM:SS.ffffff', stored in UTC.
  return new Date(value.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'));
}
