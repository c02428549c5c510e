import { StoredEvent } from '@eventloom/core/spi';
import { decodePublishedEvent, encodePublishedEvent, isUndecodable, ReceivedMessage } from './published-event-codec';
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
    timestamp: String(message.timestamp),
  };
}

describe('published-event codec', () => {
  it("writes Eventuate Local's PublishedEvent shape, keyed by aggregate id, with version, position and type in headers", () => {
    const message = encodePublishedEvent(event);
    expect(message.key).toBe('order-1');
    expect(JSON.parse(String(message.value))).toEqual({
      id: event.eventId,
      entityId: 'order-1',
      entityType: 'Order',
      eventType: 'OrderCreated',
      eventData: '{"total":12}',
      metadata: JSON.stringify(event.metadata),
    });
    expect(message.headers).toMatchObject({ [Headers.version]: '3', [Headers.position]: '42', [Headers.eventType]: 'OrderCreated' });
  });

  it('round-trips a stored event', () => {
    const decoded = decodePublishedEvent(received(encodePublishedEvent(event)));
    expect(decoded).toEqual({ ok: true, event });
  });

  it('accepts metadata as an object too, and no metadata', () => {
    const message = received(encodePublishedEvent(event));
    const value = JSON.parse(message.value!.toString());
    const asObject = decodePublishedEvent({ ...message, value: Buffer.from(JSON.stringify({ ...value, metadata: event.metadata })) });
    expect(asObject.ok && asObject.event.metadata).toEqual(event.metadata);
    const without = decodePublishedEvent({ ...message, value: Buffer.from(JSON.stringify({ ...value, metadata: undefined })) });
    expect(without.ok && without.event.metadata.correlationId).toBe('');
  });

  it.each([
    ['not JSON', 'hello {', 'the value is not JSON'],
    ['a JSON array', '[1,2]', 'not a JSON object'],
    ['a missing field', JSON.stringify({ id: 'x', entityId: 'e', entityType: 'T', eventData: '{}' }), "field 'eventType'"],
    ['eventData not JSON', JSON.stringify({ id: 'x', entityId: 'e', entityType: 'T', eventType: 'E', eventData: 'nope' }), "'eventData' is not a JSON string"],
  ])('refuses %s with the reason, keeping the raw value', (_, value, reason) => {
    const decoded = decodePublishedEvent({ ...received(encodePublishedEvent(event)), value: Buffer.from(value) });
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toContain('eventloom.Order/1@7');
    expect(decoded.reason).toContain(reason);
    expect(decoded.event.eventData).toBe(value);
    expect(decoded.event.eventId).toBe('kafka:eventloom.Order/1@7');
    expect(isUndecodable(decoded.event)).toBe(true);
  });

  it('refuses a message without a version header', () => {
    const message = received(encodePublishedEvent(event));
    const { [Headers.version]: _, ...headers } = message.headers!;
    const decoded = decodePublishedEvent({ ...message, headers });
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toContain(`header '${Headers.version}' is missing`);
  });
});
