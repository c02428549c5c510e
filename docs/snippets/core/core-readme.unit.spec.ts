import { AggregateNotFoundError, AggregateRepository } from '@eventloom/core';
import { InMemoryEventStore } from '@eventloom/in-memory';
import { CartCheckedOut, CartOpened, ItemAdded, Price } from './cart';
import { repositoryTour } from './repository';
import { Counter, Increment, snapshotRepository } from './snapshots';
import { eventloomTour } from './subscriber';
import { TicketReserved } from './schema-evolution';
import { eventTypes } from '../../../packages/core/src/typing/event';

describe("the core README's snippets", () => {
  it('create, update and find a cart; the errors are the ones the README names', async () => {
    const { added, found, missing, refusal, unknown } = await repositoryTour(new AggregateRepository(new InMemoryEventStore()));
    expect(added.events.map((e) => e.event)).toEqual([new ItemAdded('book', 2, new Price(1250))]);
    expect(found.aggregate).toMatchObject({ totalCents: 2500, checkedOut: true });
    expect(found.version).toBe(3);
    expect(missing).toBeUndefined();
    expect(refusal).toBe('CART_CHECKED_OUT');
    expect(unknown).toBeInstanceOf(AggregateNotFoundError);
    expect(found.eventsSinceSnapshot.map((e) => e.event)).toEqual([new CartOpened('customer-1'), new ItemAdded('book', 2, new Price(1250)), new CartCheckedOut(2500)]);
    // Read back from JSON: the nested value object is a Price again.
    expect(found.eventsSinceSnapshot[1].event).toBeInstanceOf(ItemAdded);
    expect((found.eventsSinceSnapshot[1].event as ItemAdded).unitPrice).toBeInstanceOf(Price);
  });

  it("snapshots by the repository's strategy, and loads from the snapshot", async () => {
    const repository = snapshotRepository(new InMemoryEventStore());
    const { id } = await repository.create(Counter, new Increment());
    for (let i = 0; i < 3; i++) await repository.update(Counter, id, new Increment());
    const found = await repository.find(Counter, id);
    expect(found).toMatchObject({ version: 4, snapshotVersion: 3 });
    expect(found.eventsSinceSnapshot).toHaveLength(1);
    expect(found.aggregate.count).toBe(4);
  });

  it('delivers to a subscriber through the Eventloom', async () => {
    const sales = await eventloomTour();
    expect(sales.units.get('book')).toBe(2);
  });

  it('a TicketBooked stored at version 1 decodes, through both upcasters, into the current TicketReserved', () => {
    const event = eventTypes.decode({
      eventId: 'e-1',
      eventType: 'TicketBooked',
      eventData: JSON.stringify({ seat: '12A', price: 40 }),
      aggregateType: 'Ticket',
      aggregateId: 't-1',
      version: 1,
      metadata: { correlationId: 'c', schemaVersion: 1 },
      timestamp: new Date('2024-05-01T10:00:00Z'),
    });
    expect(event).toEqual(new TicketReserved('12A', 4000, '2024-05-01T10:00:00.000Z'));
    expect(event).toBeInstanceOf(TicketReserved);
  });
});
