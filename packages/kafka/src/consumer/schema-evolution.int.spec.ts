import { Event, EventContext, EventHandlerMethod, EventSubscriber, Eventloom, silentLogger, upcast } from '@eventloom/core';
import { Publisher } from '@eventloom/core/spi';
import { MySqlDeadLetterStore } from '@eventloom/mysql';
import { createEventsTable, createTestDatabase, deleteTopics, eventually, TestDatabase, testAdmin, uniqueTopicPrefix, brokers } from '@eventloom/test-support';
import { newId } from '@eventloom/core/spi';
import { testTransport } from '../../test/test-transport';
import { startPublisher } from '../publisher/publisher';
import { insertEvents, TestEvent } from '../../test/events';
import { unusedEventStore } from '../../test/model';

/** How the old code stored it, under its old name 'KEvoBooked', at schema version 1 (before any upcaster existed). */
interface SeatBookedV1 {
  seat: string;
  price: number;
}

// What this process registers: version 2, renamed, with the upcaster from v1.
@Event('KEvoSeatReserved', {
  aggregateType: 'KEvoTicket',
  schemaVersion: 2,
  aliases: ['KEvoBooked'],
  upcasters: upcast<SeatBookedV1>().to(2, (v1) => ({ seat: v1.seat, priceCents: v1.price * 100 })),
})
class SeatReserved {
  constructor(
    readonly seat: string,
    readonly priceCents: number,
  ) {}
}

@EventSubscriber('kevo-seats')
class Seats {
  readonly received: unknown[] = [];

  @EventHandlerMethod(SeatReserved)
  async reserved(context: EventContext<SeatReserved>): Promise<void> {
    this.received.push(context.event);
  }
}

describe('schema evolution through a Kafka subscription (real MariaDB and Kafka)', () => {
  let db: TestDatabase;
  let kafka: Awaited<ReturnType<typeof testAdmin>>;
  let publisher: Publisher;
  let eventloom: Eventloom;
  let deadLetters: MySqlDeadLetterStore;
  let topicPrefix: string;

  beforeAll(async () => {
    db = await createTestDatabase('evolution');
    kafka = await testAdmin();
    topicPrefix = uniqueTopicPrefix('evolution');
    await createEventsTable(db.pool, '');
    publisher = await startPublisher({ pool: db.pool, kafka: { brokers }, topicPrefix, logger: silentLogger, pollIntervalMs: 10 });
    deadLetters = await new MySqlDeadLetterStore({ pool: db.pool }).ready();
  });

  afterAll(async () => {
    await eventloom?.close();
    await publisher?.stop();
    await deleteTopics(kafka.admin, topicPrefix);
    await kafka.admin.disconnect();
    await db.drop();
  });

  it('hands the handler v2 instances of events stored as v1 under the old name, and parks an unknown type naming it', async () => {
    const stored = (eventType: string, aggregateId: string, version: number, data: Record<string, unknown>): TestEvent => ({
      eventId: newId(),
      eventType,
      aggregateType: 'KEvoTicket',
      aggregateId,
      version,
      data,
    });
    // Stored (at schema version 1) and published by the old code, before this process's classes existed.
    await insertEvents(db.pool, [
      stored('KEvoBooked', 'ticket-1', 1, { seat: '12A', price: 40 }),
      stored('KEvoSeatReserved', 'ticket-2', 1, { seat: '3C', price: 25 }),
      stored('KEvoSeatSwapped', 'ticket-1', 2, { seat: '12B' }),
    ]);
    await publisher.published();

    eventloom = new Eventloom({
      eventStore: unusedEventStore,
      transport: testTransport({
        brokers,
        topicPrefix,
        publication: publisher,
      }),
      deadLetters,
      logger: silentLogger,
      delivery: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 2 },
    });
    const seats = new Seats();
    await eventloom.subscribe(seats);
    await eventloom.caughtUp();

    expect(seats.received).toEqual([new SeatReserved('12A', 4000), new SeatReserved('3C', 2500)]);
    for (const event of seats.received) expect(event).toBeInstanceOf(SeatReserved);
    await eventually(async () => (await deadLetters.list('kevo-seats')).length > 0, 'the unknown type parked');
    const parked = await deadLetters.list('kevo-seats');
    expect(parked.map((p) => [p.event.eventType, p.event.aggregateId])).toEqual([['KEvoSeatSwapped', 'ticket-1']]);
    expect(parked[0].error).toMatch(/KEvoSeatSwapped/);
  });
});
