import { Command, Reply, withSuccess } from '@eventloom/core';
import { commandMessage, messageToEvent, replyMessage, StoredEvent } from '@eventloom/core/spi';
import { encodePublishedEvent } from './published-event-codec';
import { HandledVersions } from '../consumer/handled-versions';
import { encodeMultiMessage } from './eventuate-multi-message';
import { decodeTramMessage, decodeTramRecord, encodeTramMessage, isCommandOrReply } from './tram-message-codec';

@Command('io.eventuate.examples.tram.sagas.ordersandcustomers.customers.api.commands.ReserveCreditCommand')
class ReserveCreditCommand {
  constructor(readonly orderId: number) {}
}

@Reply('io.eventuate.examples.tram.sagas.ordersandcustomers.customers.api.replies.CustomerCreditReserved')
class CustomerCreditReserved {}

const sequenced = (event: Omit<StoredEvent, 'position'>, position: number): StoredEvent => ({ ...event, version: position, position });
const received = (topic: string, offset: number, message: ReturnType<typeof encodeTramMessage>) => ({
  topic,
  partition: 0,
  offset: String(offset),
  key: Buffer.from(String(message.key)),
  value: Buffer.from(String(message.value)),
  headers: message.headers,
  timestamp: String(Date.now()),
});

describe('commands and replies on Kafka, in Eventuate Tram message format', () => {
  const command = commandMessage('customerService', new ReserveCreditCommand(7), { replyTo: 'CreateOrderSaga-reply', partitionKey: 'saga-1', headers: { command_saga_id: 'saga-1' } });

  it('sends a command as {payload, headers} keyed by its partition id, and reads it back as the same message', () => {
    const event = sequenced(messageToEvent(command, new Date('2026-01-01T00:00:00Z')), 42);
    expect(isCommandOrReply(event)).toBe(true);
    const encoded = encodeTramMessage(event);
    expect(encoded.key).toBe('saga-1');
    expect(JSON.parse(String(encoded.value))).toEqual({ payload: '{"orderId":7}', headers: command.headers });
    expect(command.headers).toMatchObject({ command_type: 'io.eventuate.examples.tram.sagas.ordersandcustomers.customers.api.commands.ReserveCreditCommand', command_reply_to: 'CreateOrderSaga-reply', DESTINATION: 'customerService', PARTITION_ID: 'saga-1' });
    const decoded = decodeTramMessage(received('customerService', 5, encoded))!;
    expect(decoded).toMatchObject({ eventId: command.id, eventType: command.headers.command_type, aggregateType: 'customerService', aggregateId: 'saga-1', version: 42, position: 42 });
    expect(decoded.metadata.messageHeaders).toEqual(command.headers);
  });

  it("reads a reply a Tram participant wrote (no Eventloom headers), versioned by its offset", () => {
    const reply = replyMessage(command, withSuccess(new CustomerCreditReserved()))!;
    const tramRecord = { key: 'saga-1', value: JSON.stringify({ payload: reply.payload, headers: reply.headers }) };
    const decoded = decodeTramMessage(received('CreateOrderSaga-reply', 9, tramRecord))!;
    expect(decoded).toMatchObject({ eventId: reply.id, aggregateType: 'CreateOrderSaga-reply', aggregateId: 'saga-1', version: 10, position: undefined });
    expect(decoded.metadata.messageHeaders).toMatchObject({ 'reply_outcome-type': 'SUCCESS', reply_to_message_id: command.id, commandreply_saga_id: 'saga-1' });
  });

  it("reads every Tram message of a multi-message record (Tram's CDC with batching on), two of one partition id each in turn, a redelivery a repeat", () => {
    // As Tram writes them: application ids that grow per sender, the same PARTITION_ID (say, one aggregate's).
    const tramMessage = (id: string, n: number) => ({
      key: 'order-1',
      value: JSON.stringify({ payload: `{"n":${n}}`, headers: { ID: id, PARTITION_ID: 'order-1', DESTINATION: 'orderService', reply_type: 'x.Done', 'reply_outcome-type': 'SUCCESS' } }),
      headers: [] as Array<[string, string]>,
    });
    const value = encodeMultiMessage({ headers: [], messages: [tramMessage('000001a224f5abae-02fc000000010000', 1), tramMessage('000001a224f5abb3-02fc000000010000', 2)] });
    const record = { topic: 'orderService', partition: 0, offset: '41', key: Buffer.from('order-1'), value, timestamp: String(Date.now()) };
    const events = decodeTramRecord(record)!;
    expect(events.map((e) => [e.eventId, e.aggregateId, e.eventData])).toEqual([
      ['000001a224f5abae-02fc000000010000', 'order-1', '{"n":1}'],
      ['000001a224f5abb3-02fc000000010000', 'order-1', '{"n":2}'],
    ]);
    const handled = new HandledVersions();
    for (const event of events) {
      expect(handled.isRepeat('orderService:order-1', event)).toBe(false);
      handled.record('orderService:order-1', event);
    }
    for (const event of decodeTramRecord(record)!) expect(handled.isRepeat('orderService:order-1', event)).toBe(true);
    // One plain record is still versioned by its offset.
    expect(decodeTramRecord({ ...record, value: Buffer.from(tramMessage('000001a224f5abc0-02fc000000010000', 3).value) })!.map((e) => e.version)).toEqual([42]);
  });

  it('leaves a multi-message record of PublishedEvents to their codec', () => {
    const event: StoredEvent = { eventId: 'e1', eventType: 'OrderCreated', eventData: '{}', aggregateType: 'Order', aggregateId: 'o1', version: 1, position: 3, metadata: { correlationId: 'c', schemaVersion: 1 }, timestamp: new Date() };
    const published = encodePublishedEvent(event);
    const value = encodeMultiMessage({ headers: [], messages: [{ key: 'o1', value: String(published.value), headers: [] }] });
    expect(decodeTramRecord({ topic: 'Order', partition: 0, offset: '0', key: null, value, timestamp: '0' })).toBeUndefined();
  });

  it("does not read a record with Eventloom's event-type header (an event) as a Tram message, whatever its value", () => {
    const encoded = encodeTramMessage(sequenced(messageToEvent(command, new Date('2026-01-01T00:00:00Z')), 42));
    const record = received('customerService', 5, { ...encoded, headers: { ...encoded.headers, 'eventloom-event-type': 'OrderCreated' } });
    expect(decodeTramRecord(record)).toBeUndefined();
    expect(decodeTramRecord(received('customerService', 5, encoded))).toHaveLength(1);
  });

  it('leaves events (PublishedEvent shape) to their own codec', () => {
    const event: StoredEvent = { eventId: 'e1', eventType: 'OrderCreated', eventData: '{}', aggregateType: 'Order', aggregateId: 'o1', version: 1, position: 3, metadata: { correlationId: 'c', schemaVersion: 1 }, timestamp: new Date() };
    expect(isCommandOrReply(event)).toBe(false);
    expect(decodeTramMessage(received('Order', 0, encodePublishedEvent(event)))).toBeUndefined();
  });
});
