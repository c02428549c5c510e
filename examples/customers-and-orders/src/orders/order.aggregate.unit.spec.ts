import { CommandRejectedError } from '@eventloom/core';
import { given } from '@eventloom/testing';
import { Money } from '../shared/money';
import { Order } from './order.aggregate';
import { ApproveOrder, CancelOrder, CreateOrder, RejectOrder } from './order.commands';
import { OrderApproved, OrderCancelled, OrderCreated, OrderRejected } from './order.events';

// #region then-error
const created = new OrderCreated('c-1', new Money(720));
// #endregion then-error

describe('Order', () => {
  it('starts PENDING', () => {
    const order = given(Order).when(new CreateOrder('c-1', new Money(720))).then([created]);
    expect(order.state).toBe('PENDING');
  });

  it('is approved or rejected while PENDING', () => {
    given(Order, [created]).when(new ApproveOrder()).then([new OrderApproved('c-1')]);
    given(Order, [created]).when(new RejectOrder('no credit')).then([new OrderRejected('c-1', 'no credit')]);
  });

  it('ignores a late reply once it is no longer PENDING', () => {
    given(Order, [created, new OrderCancelled('c-1')]).when(new ApproveOrder()).then([]);
    given(Order, [created, new OrderApproved('c-1')]).when(new RejectOrder('late')).then([]);
  });

  it('can be cancelled when PENDING or APPROVED', () => {
    given(Order, [created]).when(new CancelOrder()).then([new OrderCancelled('c-1')]);
    given(Order, [created, new OrderApproved('c-1')]).when(new CancelOrder()).then([new OrderCancelled('c-1')]);
  });

  it('cannot be cancelled once REJECTED or CANCELLED', () => {
    // #region then-error
    given(Order, [created, new OrderRejected('c-1', 'x')]).when(new CancelOrder()).thenError(CommandRejectedError, /REJECTED/);
    // #endregion then-error
    given(Order, [created, new OrderCancelled('c-1')]).when(new CancelOrder()).thenError(CommandRejectedError, /CANCELLED/);
  });
});
