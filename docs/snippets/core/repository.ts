// packages/core/README.md: the repository. Run by core-readme.unit.spec.ts.
import { AggregateRepository, CommandRejectedError } from '@eventloom/core';
import { AddItem, Cart, CheckOut, OpenCart, Price } from './cart';

export async function repositoryTour(repository: AggregateRepository) {
  // #region repository
  const { id } = await repository.create(Cart, new OpenCart('customer-1'));   // a new UUIDv7 id, or { id } in options
  const added = await repository.update(Cart, id, new AddItem('book', 2, new Price(1250)));
  added.events;      // the envelopes this call appended: eventId, eventType, version, metadata, event (an ItemAdded)
  await repository.update(Cart, id, new CheckOut());

  const found = await repository.find(Cart, id);
  found.aggregate.totalCents;   // 2500
  found.version;                // 3
  found.eventsSinceSnapshot;    // the events applied on top of the latest snapshot (all three: there is none)
  const missing = await repository.findOptional(Cart, 'no-such-cart');   // undefined
  // #endregion repository

  // #region errors
  let refusal: string | undefined;
  try {
    await repository.update(Cart, id, new AddItem('pen', 1, new Price(200)));
  } catch (error) {
    if (!(error instanceof CommandRejectedError)) throw error;
    refusal = error.code;   // 'CART_CHECKED_OUT': the command handler refused, nothing was appended
  }
  const unknown = await repository.find(Cart, 'no-such-cart').catch((error: unknown) => error);   // an AggregateNotFoundError
  // #endregion errors
  return { id, added, found, missing, refusal, unknown };
}
