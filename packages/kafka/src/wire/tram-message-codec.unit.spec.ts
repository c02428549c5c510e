import { Command, Reply, withSuccess } from '@eventloom/core';
import { commandMessage, messageToEvent, replyMessage, StoredEvent } from '@eventloom/core/spi';
import { encodePublishedEvent } from './published-event-codec';
import { decodeTramMessage, encodeTramMessage, isCommandOrReply } from './tram-message-codec';

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

  it('leaves events (PublishedEvent shape) to their own codec', () => {
    const event: StoredEvent = { eventId: 'e1', eventType: 'OrderCreated', eventData: '{}', aggregateType: 'Order', aggregateId: 'o1', version: 1, position: 3, metadata: { correlationId: 'c', schemaVersion: 1 }, timestamp: new Date() };
    expect(isCommandOrReply(event)).toBe(false);
    expect(decodeTramMessage(received('Order', 0, encodePublishedEvent(event)))).toBeUndefined();
  });
});
