import { EventTooLargeError } from '@eventloom/core';
import { NewEvent } from '@eventloom/core/spi';
import { chunkRows, eventFromRow, EventRow, eventValues, sequencedEventFromRow } from './event-rows';

const event = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  eventId: '0190a5a4-7b1e-7cc2-9b1f-1f1d7e0c1100',
  eventType: 'Thing',
  eventData: '{"a":1}',
  aggregateType: 'Agg',
  aggregateId: 'id-1',
  version: 1,
  metadata: { correlationId: 'c', schemaVersion: 1 },
  timestamp: new Date(0),
  ...overrides,
});

describe('event rows', () => {
  it('counts UTF-8 bytes of data and metadata against the limit', () => {
    const data = JSON.stringify({ text: '€'.repeat(100) });
    expect(() => eventValues(event({ eventData: data }), 300)).toThrow(EventTooLargeError);
    expect(eventValues(event({ eventData: data }), 400).bytes).toBe(Buffer.byteLength(data) + Buffer.byteLength('{"correlationId":"c","schemaVersion":1}'));
  });

  it('refuses ids that the columns would truncate', () => {
    expect(() => eventValues(event({ aggregateId: 'x'.repeat(256) }), 1e6)).toThrow(/aggregateId .* at most 255/);
    expect(() => eventValues(event({ eventId: 'x'.repeat(37) }), 1e6)).toThrow(/eventId/);
    expect(() => eventValues(event({ aggregateId: '' }), 1e6)).toThrow(/non-empty/);
  });

  it('binds NULL for a missing triggering event', () => {
    expect(eventValues(event(), 1e6).values[6]).toBeNull();
    expect(eventValues(event({ triggeringEventId: 't' }), 1e6).values[6]).toBe('t');
  });

  it('splits big appends by bytes and by rows', () => {
    const rows = Array.from({ length: 10 }, () => ({ values: [], bytes: 40 }));
    expect(chunkRows(rows, 100).map((c) => c.length)).toEqual([2, 2, 2, 2, 2]);
    expect(chunkRows(rows, 1e6, 4).map((c) => c.length)).toEqual([4, 4, 2]);
    expect(chunkRows([{ values: [], bytes: 500 }], 100)).toHaveLength(1);
  });

  const row = {
    event_id: 'e',
    event_type: 'Thing',
    event_data: '{}',
    entity_version: 3,
    triggering_event: null,
    metadata: '{"correlationId":"c","schemaVersion":1,"user":"u"}',
    created_at: new Date(5),
    position: 42,
  } as unknown as EventRow;

  it('reads a row back into a stored event, the aggregate given by the caller or read from the row', () => {
    const stored = eventFromRow(row, { type: 'Agg', id: 'id-1' });
    expect(stored).toMatchObject({ version: 3, aggregateType: 'Agg', aggregateId: 'id-1', metadata: { user: 'u' }, timestamp: new Date(5), position: 42 });
    expect(stored.triggeringEventId).toBeUndefined();
    expect(eventFromRow({ ...row, position: null } as EventRow, { type: 'Agg', id: 'id-1' }).position).toBeUndefined();
    expect(eventFromRow({ ...row, entity_type: 'Other', entity_id: 'o-1' } as EventRow)).toMatchObject({ aggregateType: 'Other', aggregateId: 'o-1' });
    expect(() => eventFromRow(row)).toThrow(/entity_type/);
  });

  it('keeps the metadata as stored for a sink, and in copies of the event (e.g. a parked one) the parsed metadata only', () => {
    const stored = eventFromRow({ ...row, id: 7 } as EventRow, { type: 'Agg', id: 'id-1' });
    expect(stored.metadataJson).toBe(row.metadata);
    expect(stored.rowId).toBe(7);
    const copy = JSON.parse(JSON.stringify(stored));
    expect(copy.metadata).toEqual({ correlationId: 'c', schemaVersion: 1, user: 'u' });
    expect(Object.keys(copy)).not.toContain('metadataJson');
    expect({ ...stored }.metadata).toEqual({ correlationId: 'c', schemaVersion: 1, user: 'u' });
  });

  it('reads positions and row ids up to 2^53 - 1 exactly and refuses larger ones instead of rounding them', () => {
    // mysql2 hands BIGINTs beyond 2^53 as strings; Number() would round 2^53 + 1 to 2^53 and skip an event.
    expect(eventFromRow({ ...row, position: '9007199254740991' } as EventRow, { type: 'Agg', id: 'id-1' }).position).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => eventFromRow({ ...row, position: '9007199254740993' } as EventRow, { type: 'Agg', id: 'id-1' })).toThrow(
      /position 9007199254740993 is beyond 9007199254740991/,
    );
    expect(() => eventFromRow({ ...row, id: '9007199254740993', entity_type: 'A', entity_id: 'a' } as EventRow)).toThrow(/id 9007199254740993/);
    expect(() => sequencedEventFromRow({ ...row, position: null, entity_type: 'A', entity_id: 'a' } as EventRow)).toThrow(/has none/);
  });
});
