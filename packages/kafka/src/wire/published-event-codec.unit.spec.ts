import { StoredEvent, wireNames } from '@eventloom/core/spi';
import { Decoded, decodeRecord, encodePublishedEvent, isUndecodable, ReceivedMessage } from './published-event-codec';
import { encodeMultiMessage } from './eventuate-multi-message';
import { Headers } from './headers';

const event: StoredEvent = {
  eventId: '0190a5f2-0000-7000-8000-000000000001',
  eventType: 'OrderCreated',
  eventData: '{"total":12}',
  aggregateType: 'Order',
  aggregateId: 'order-1',
  version: 3,
  triggeringEventId: '0190a5f2-0000-7000-8000-000000000000',
  metadata: { correlationId: 'c-1', schemaVersion: 1, user: 'ann' },
  timestamp: new Date('2025-01-02T03:04:05.678Z'),
  position: 42,
};

function received(message: ReturnType<typeof encodePublishedEvent>): ReceivedMessage {
  const headers: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Buffer.from(String(v));
  return {
    topic: 'eventloom.Order',
    partition: 1,
    offset: '7',
    key: Buffer.from(String(message.key)),
    value: Buffer.from(String(message.value)),
    headers,
    timestamp: '1735787045678',
  };
}

function only(decoded: Decoded[]): Decoded {
  expect(decoded).toHaveLength(1);
  return decoded[0];
}

/** A record as Eventuate's CDC writes it: PublishedEvent JSON (with its binlogFileOffset), no headers. */
function eventuateRecord(value: object | Buffer): ReceivedMessage {
  return {
    topic: 'net.acme.Order',
    partition: 0,
    offset: '3',
    key: Buffer.from('order-9'),
    value: Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value)),
    timestamp: '1735787045678',
  };
}

const eventuateEvent = {
  id: '000001a222b0596d-02fc000000010000',
  entityId: 'order-9',
  entityType: 'net.acme.Order',
  eventType: 'net.acme.OrderCreatedEvent',
  eventData: '{"total":3}',
  metadata: '{"tenant":"t1"}',
  binlogFileOffset: { binlogFilename: 'mysql-bin.000003', offset: 1234, rowsToSkip: 0 },
};

describe('published-event codec', () => {
  it("writes Eventuate Local's PublishedEvent as Eventuate reads it: Int128 id, metadata of strings; version, position and type in headers", () => {
    const message = encodePublishedEvent(event);
    expect(message.key).toBe('order-1');
    expect(JSON.parse(String(message.value))).toEqual({
      id: '0190a5f200007000-8000000000000001',
      entityId: 'order-1',
      entityType: 'Order',
      eventType: 'OrderCreated',
      eventData: '{"total":12}',
      metadata: '{"correlationId":"c-1","schemaVersion":"1","user":"ann"}',
    });
    expect(message.headers).toMatchObject({ [Headers.version]: '3', [Headers.position]: '42', [Headers.eventType]: 'OrderCreated' });
    expect(message.headers).not.toHaveProperty(Headers.typedMetadata);
    expect(message.headers).not.toHaveProperty(Headers.aggregateType);
  });

  it('round-trips a stored event exactly, metadata that is not text included', () => {
    expect(only(decodeRecord(received(encodePublishedEvent(event))))).toEqual({ ok: true, event });
    const typed = { ...event, metadata: { ...event.metadata, tenant: 42, tags: ['a'], flag: false, nothing: null } };
    const message = encodePublishedEvent(typed);
    expect(JSON.parse(JSON.parse(String(message.value)).metadata)).toMatchObject({ tenant: '42', tags: '["a"]', flag: 'false', nothing: 'null' });
    expect(only(decodeRecord(received(message)))).toEqual({ ok: true, event: typed });
  });

  it('sends the metadata as stored when given (metadataJson), as strings', () => {
    const message = encodePublishedEvent(event, '{"correlationId":"c-2","schemaVersion":2}');
    expect(JSON.parse(String(message.value)).metadata).toBe('{"correlationId":"c-2","schemaVersion":"2"}');
  });

  it('writes wire names for event and aggregate types, and reads them back to ours', () => {
    wireNames.nameEvent('CodecSpecShipped', 'net.acme.orders.OrderShippedEvent');
    wireNames.nameAggregate('CodecSpecOrder', 'net.acme.orders.Order');
    const named = { ...event, eventType: 'CodecSpecShipped', aggregateType: 'CodecSpecOrder' };
    const message = encodePublishedEvent(named);
    const value = JSON.parse(String(message.value));
    expect([value.eventType, value.entityType]).toEqual(['net.acme.orders.OrderShippedEvent', 'net.acme.orders.Order']);
    expect(only(decodeRecord(received(message)))).toEqual({ ok: true, event: named });
    const { [Headers.eventType]: _t, [Headers.aggregateType]: _a, ...withoutOurs } = received(message).headers!;
    const decoded = only(decodeRecord({ ...received(message), headers: withoutOurs }));
    expect(decoded.ok && [decoded.event.eventType, decoded.event.aggregateType]).toEqual(['CodecSpecShipped', 'CodecSpecOrder']);
  });

  it("reads Eventuate's own records: no headers, binlogFileOffset, version unknown (0), id in the store's layout", () => {
    const decoded = only(decodeRecord(eventuateRecord(eventuateEvent)));
    expect(decoded).toEqual({
      ok: true,
      event: {
        eventId: '000001a2-22b0-596d-02fc-000000010000',
        eventType: 'net.acme.OrderCreatedEvent',
        eventData: '{"total":3}',
        aggregateType: 'net.acme.Order',
        aggregateId: 'order-9',
        version: 0,
        triggeringEventId: undefined,
        metadata: { tenant: 't1', correlationId: '', schemaVersion: 1 },
        timestamp: new Date(1735787045678),
        position: undefined,
      },
    });
    const withoutMetadata = only(decodeRecord(eventuateRecord({ ...eventuateEvent, metadata: null })));
    expect(withoutMetadata.ok && withoutMetadata.event.metadata).toEqual({ correlationId: '', schemaVersion: 1 });
  });

  it("reads Eventuate's multi-message records, one event per message, in order", () => {
    const second = { ...eventuateEvent, id: '000001a222b0596d-02fc000000020000', eventData: '{"note":"caf\u00e9 \u2028 \ud83d\ude00"}' };
    const record = eventuateRecord(
      encodeMultiMessage({
        headers: [['batch', '1']],
        messages: [eventuateEvent, second].map((e) => ({ key: e.entityId, value: JSON.stringify(e), headers: [] })),
      }),
    );
    const decoded = decodeRecord(record);
    expect(decoded.map((d) => d.ok && [d.event.eventId, d.event.eventData])).toEqual([
      ['000001a2-22b0-596d-02fc-000000010000', '{"total":3}'],
      ['000001a2-22b0-596d-02fc-000000020000', second.eventData],
    ]);
  });

  it('parks the bad part of a multi-message alone, and a cut-short multi-message whole', () => {
    const record = eventuateRecord(
      encodeMultiMessage({ headers: [], messages: [{ key: 'k', value: JSON.stringify(eventuateEvent), headers: [] }, { key: 'k', value: 'nope', headers: [] }] }),
    );
    const [good, bad] = decodeRecord(record);
    expect(good.ok).toBe(true);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toContain('net.acme.Order/0@3#1: the value is not JSON');
    expect(bad.event.eventId).toBe('kafka:net.acme.Order/0@3#1');
    expect(bad.event.eventData).toBe('nope');
    const cut = only(decodeRecord({ ...record, value: record.value!.subarray(0, record.value!.length - 5) }));
    expect(!cut.ok && cut.reason).toContain('the multi-message is cut short');
    expect(isUndecodable(cut.event)).toBe(true);
  });

  it.each([
    ['not JSON', 'hello {', 'the value is not JSON'],
    ['a JSON array', '[1,2]', 'not a JSON object'],
    ['a missing field', JSON.stringify({ id: 'x', entityId: 'e', entityType: 'T', eventData: '{}' }), "field 'eventType'"],
    ['eventData not JSON', JSON.stringify({ id: 'x', entityId: 'e', entityType: 'T', eventType: 'E', eventData: 'nope' }), "'eventData' is not a JSON string"],
    ['metadata whose schemaVersion is not a number', JSON.stringify({ ...eventuateEvent, metadata: '{"schemaVersion":"one"}' }), "'schemaVersion' is not an integer"],
  ])('refuses %s with the reason, keeping the raw value', (_, value, reason) => {
    const decoded = only(decodeRecord({ ...received(encodePublishedEvent(event)), value: Buffer.from(value) }));
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toContain('eventloom.Order/1@7');
    expect(decoded.reason).toContain(reason);
    expect(decoded.event.eventData).toBe(value);
    expect(decoded.event.eventId).toBe('kafka:eventloom.Order/1@7');
    expect(isUndecodable(decoded.event)).toBe(true);
  });

  describe('W3C trace context', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    it('travels in the metadata (strings, as Eventuate reads it) and in the traceparent/tracestate headers', () => {
      const message = encodePublishedEvent({ ...event, metadata: { ...event.metadata, traceparent, tracestate: 'v=1' } });
      expect(message.headers).toMatchObject({ traceparent, tracestate: 'v=1' });
      expect(JSON.parse(JSON.parse(String(message.value)).metadata)).toMatchObject({ traceparent, tracestate: 'v=1' });
      const decoded = only(decodeRecord(received(message)));
      expect(decoded.ok && decoded.event.metadata).toMatchObject({ traceparent, tracestate: 'v=1' });
    });

    it('is read from the headers of a writer that sends it only there, the metadata\'s own copy winning', () => {
      const headersOnly = received(encodePublishedEvent(event));
      const decoded = only(decodeRecord({ ...headersOnly, headers: { ...headersOnly.headers, traceparent: Buffer.from(traceparent) } }));
      expect(decoded.ok && decoded.event.metadata.traceparent).toBe(traceparent);
      const both = received(encodePublishedEvent({ ...event, metadata: { ...event.metadata, traceparent } }));
      const other = '00-11111111111111111111111111111111-2222222222222222-01';
      const kept = only(decodeRecord({ ...both, headers: { ...both.headers, traceparent: Buffer.from(other) } }));
      expect(kept.ok && kept.event.metadata.traceparent).toBe(traceparent);
    });

    it('sends no trace headers for an event appended outside a span', () => {
      expect(Object.keys(encodePublishedEvent(event).headers ?? {})).not.toContain('traceparent');
    });
  });
});
