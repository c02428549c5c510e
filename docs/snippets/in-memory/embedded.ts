// packages/in-memory/README.md: the embedded Eventloom. Run by in-memory-readme.unit.spec.ts.
// #region embedded
import { silentLogger } from '@eventloom/core';
import { embeddedEventloom } from '@eventloom/in-memory';
// #endregion embedded
import { AddItem, Cart, OpenCart, Price } from '../core/cart';
import { SalesBySku } from '../core/subscriber';

export async function embeddedTour() {
  // #region embedded
  const eventloom = embeddedEventloom({ logger: silentLogger });   // the same options as Eventloom, minus the back end
  const sales = new SalesBySku();
  await eventloom.subscribe(sales);

  const { id } = await eventloom.repository.create(Cart, new OpenCart('customer-1'));
  await eventloom.repository.update(Cart, id, new AddItem('book', 2, new Price(1250)));
  await eventloom.caughtUp();                    // deterministic tests: wait until every subscriber is done
  await eventloom.deadLetters.list();            // parked events, in memory too
  await eventloom.close();
  // #endregion embedded
  return sales;
}
