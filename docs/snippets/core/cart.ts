// packages/core/README.md: a small shopping cart, the model of every core snippet. Run by core-readme.unit.spec.ts.
import { Aggregate, Apply, CommandHandler, CommandRejectedError, Event, Type } from '@eventloom/core';

// #region value-object
/** A value object: it travels inside events and comes back as a Price, methods included. */
export class Price {
  constructor(readonly cents: number) {}

  times(quantity: number): Price {
    return new Price(this.cents * quantity);
  }
}
// #endregion value-object

// #region events
@Event('CartOpened', { aggregateType: 'Cart' })
export class CartOpened {
  constructor(readonly customerId: string) {}
}

@Event('ItemAdded', { aggregateType: 'Cart' })
export class ItemAdded {
  @Type(() => Price) readonly unitPrice: Price;   // revived as a Price, not a plain object
  constructor(readonly sku: string, readonly quantity: number, unitPrice: Price) {
    this.unitPrice = unitPrice;
  }
}

@Event('CartCheckedOut', { aggregateType: 'Cart' })
export class CartCheckedOut {
  constructor(readonly totalCents: number) {}
}
// #endregion events

// #region commands
export class OpenCart {
  constructor(readonly customerId: string) {}
}
export class AddItem {
  constructor(readonly sku: string, readonly quantity: number, readonly unitPrice: Price) {}
}
export class CheckOut {}
// #endregion commands

// #region aggregate
@Aggregate('Cart')
export class Cart {
  customerId = '';
  totalCents = 0;
  checkedOut = false;

  @CommandHandler(OpenCart)
  open(command: OpenCart) {
    return new CartOpened(command.customerId);
  }

  @CommandHandler(AddItem)
  add(command: AddItem) {
    if (this.checkedOut) throw new CommandRejectedError('A checked-out cart takes no more items.', 'CART_CHECKED_OUT');
    return new ItemAdded(command.sku, command.quantity, command.unitPrice);
  }

  @CommandHandler(CheckOut)
  checkOut(_command: CheckOut) {
    return this.checkedOut ? [] : new CartCheckedOut(this.totalCents);   // [] : nothing happens
  }

  @Apply(CartOpened)
  opened(event: CartOpened) {
    this.customerId = event.customerId;
  }

  @Apply(ItemAdded)
  added(event: ItemAdded) {
    this.totalCents += event.unitPrice.times(event.quantity).cents;
  }

  @Apply(CartCheckedOut)
  checkedOutApplied(_event: CartCheckedOut) {
    this.checkedOut = true;
  }
}
// #endregion aggregate
