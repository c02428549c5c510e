// packages/testing/README.md: the fixtures, on the core README's cart. Runs as a test.
// #region imports
import { CommandRejectedError } from '@eventloom/core';
import { deliver, given } from '@eventloom/testing';
// #endregion imports
import { AggregateRepository, Aggregate, Apply, CommandHandler, Event } from '@eventloom/core';
import { FixtureFailure } from '@eventloom/testing';
import { InMemoryEventStore } from '@eventloom/in-memory';
import { AddItem, Cart, CartCheckedOut, CartOpened, CheckOut, ItemAdded, OpenCart, Price } from '../core/cart';
import { SalesBySku } from '../core/subscriber';

@Event('LampSwitched', { aggregateType: 'Lamp' })
class LampSwitched {}
class Switch {}

// #region state-change
@Aggregate('Lamp')
class Lamp {
  on = false;

  @CommandHandler(Switch)
  switch(_command: Switch) {
    this.on = !this.on;          // wrong: a command handler only decides
    return new LampSwitched();
  }

  @Apply(LampSwitched)
  switched(_event: LampSwitched) {}
}
// #endregion state-change

describe("the testing README's snippets", () => {
  it('given, when, then', () => {
    // #region given-when-then
    const opened = new CartOpened('customer-1');
    given(Cart).when(new OpenCart('customer-1')).then([opened]);

    const cart = given(Cart, [opened, new ItemAdded('book', 2, new Price(1250))])
      .when(new CheckOut())
      .then([new CartCheckedOut(2500)]);
    expect(cart.checkedOut).toBe(true);   // then() returns the aggregate with the new events applied

    given(Cart, [opened, new CartCheckedOut(0)]).when(new CheckOut()).then([]);   // decides nothing
    // #endregion given-when-then
  });

  it('thenError', () => {
    // #region then-error
    given(Cart, [new CartOpened('customer-1'), new CartCheckedOut(0)])
      .when(new AddItem('pen', 1, new Price(200)))
      .thenError(CommandRejectedError, /checked-out/);   // the message contains, or matches
    // #endregion then-error
  });

  it('refuses a command handler that changes state, naming the property', () => {
    expect(() => given(Lamp, [new LampSwitched()]).when(new Switch()).then([new LampSwitched()])).toThrow(
      "Lamp's command handler for Switch changed state: 'on' was false, is true. Command handlers decide events; change state in an @Apply method.",
    );
    expect(() => given(Lamp).when(new Switch()).then([new LampSwitched()])).toThrow(FixtureFailure);
  });

  it('deliver', async () => {
    // #region deliver
    const sales = new SalesBySku();
    await deliver(sales, new ItemAdded('book', 2, new Price(1250)));
    expect(sales.units.get('book')).toBe(2);

    // Commands a handler sends go to a repository you can give, and inspect:
    const repository = new AggregateRepository(new InMemoryEventStore());
    const ctx = await deliver(sales, new CartCheckedOut(2500), { aggregateId: 'cart-1', version: 3, attempt: 2, repository });
    expect(ctx.attempt).toBe(2);
    // #endregion deliver
  });
});
