// packages/core/README.md: a subscriber and the Eventloom that feeds it. Run by core-readme.unit.spec.ts.
import { EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
// #region eventloom
import { Eventloom, silentLogger } from '@eventloom/core';
import { InMemoryDeadLetterStore, InMemoryEventStore, InMemoryTransport } from '@eventloom/in-memory';
// #endregion eventloom
import { AddItem, Cart, CartCheckedOut, ItemAdded, OpenCart, Price } from './cart';

// #region subscriber
@EventSubscriber('sales-by-sku')   // a durable subscription: its id must not change
export class SalesBySku {
  readonly units = new Map<string, number>();
  private readonly seen = new Set<string>();

  @EventHandlerMethod(ItemAdded)
  added(ctx: EventContext<ItemAdded>) {
    // At least once: a redelivered event has the same eventId.
    if (this.seen.has(ctx.eventId)) return;
    this.seen.add(ctx.eventId);
    this.units.set(ctx.event.sku, (this.units.get(ctx.event.sku) ?? 0) + ctx.event.quantity);
  }

  @EventHandlerMethod(CartCheckedOut)
  async checkedOut(ctx: EventContext<CartCheckedOut>) {
    ctx.aggregateType;   // 'Cart'
    ctx.aggregateId;     // the cart's id
    ctx.version;         // the cart's version after this event
    ctx.attempt;         // 1, then 2, ... when a previous try threw
    // ctx.update / ctx.create send a command with this event as its triggering event:
    // a redelivery does not run it twice (see the root README's sagas).
  }
}
// #endregion subscriber

export async function eventloomTour() {
  // #region eventloom
  const eventStore = new InMemoryEventStore();               // a back end gives the store, transport and dead letters
  const eventloom = new Eventloom({
    eventStore,
    transport: new InMemoryTransport(eventStore),
    deadLetters: new InMemoryDeadLetterStore(),               // where events a handler failed on for good are parked
    delivery: { maxAttempts: 3 },                             // tries per event before parking (default 8)
    logger: silentLogger,
  });
  const sales = new SalesBySku();
  await eventloom.subscribe(sales);

  const { id } = await eventloom.repository.create(Cart, new OpenCart('customer-1'));
  await eventloom.repository.update(Cart, id, new AddItem('book', 2, new Price(1250)));
  await eventloom.caughtUp();                                  // every subscriber has handled every stored event
  sales.units.get('book');                                     // 2
  await eventloom.close();                                     // stops the subscribers, then the transport and the store
  // #endregion eventloom
  return sales;
}
