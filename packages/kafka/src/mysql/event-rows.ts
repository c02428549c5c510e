import { EventMetadataFields, StoredEvent } from '@eventloom/core';

/** The columns of the events table the publisher and rebuild read. */
export const eventColumns =
  'id, event_id, event_type, event_data, entity_type, entity_id, entity_version, triggering_event, metadata, created_at, position';

export interface EventRow {
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

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    eventType: row.event_type,
    eventData: row.event_data,
    aggregateType: row.entity_type,
    aggregateId: row.entity_id,
    version: Number(row.entity_version),
    triggeringEventId: row.triggering_event ?? undefined,
    metadata: (row.metadata ? JSON.parse(row.metadata) : {}) as EventMetadataFields,
    timestamp: toDate(row.created_at),
    position: row.position === null ? undefined : Number(row.position),
  };
}

export function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  // DATETIME(6) as a string: 'YYYY-MM-DD HH:MM:SS.ffffff', stored in UTC.
  return new Date(value.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'));
}
