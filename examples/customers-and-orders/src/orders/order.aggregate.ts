import { Aggregate, Apply, CommandHandler, CommandRejectedError, Type } from '@eventloom/core';
import { Money } from '../shared/money';
import { ApproveOrder, CancelOrder, CreateOrder, RejectOrder } from './order.commands';
import { OrderApproved, OrderCancelled, OrderCreated, OrderRejected } from './order.events';

export type OrderState = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLED';

// #region order-aggregate
@Aggregate('Order')
export class Order {
  customerId = '';
  @Type(() => Money) orderTotal = Money.zero();
  state: OrderState = 'PENDING';
  rejectionReason?: string;

  @CommandHandler(CreateOrder)
  create(command: CreateOrder) {
    return new OrderCreated(command.customerId, command.orderTotal);
  }

  // #elide
  /** A reply for an order that is no longer PENDING (e.g. cancelled meanwhile) changes nothing. */
  @CommandHandler(ApproveOrder)
  approve(_command: ApproveOrder) {
    return this.state === 'PENDING' ? new OrderApproved(this.customerId) : [];
  }

  @CommandHandler(RejectOrder)
  reject(command: RejectOrder) {
    return this.state === 'PENDING' ? new OrderRejected(this.customerId, command.reason) : [];
  }
  // #end-elide

  @CommandHandler(CancelOrder)
  cancel(_command: CancelOrder) {
    if (this.state !== 'PENDING' && this.state !== 'APPROVED') {
      throw new CommandRejectedError(`An order that is ${this.state} cannot be cancelled.`, 'ORDER_NOT_CANCELLABLE');
    }
    return new OrderCancelled(this.customerId);
  }

  @Apply(OrderCreated)
  created(event: OrderCreated) {
    this.customerId = event.customerId;
    this.orderTotal = event.orderTotal;
  }
  // #elide

  @Apply(OrderApproved)
  approved(_event: OrderApproved) {
    this.state = 'APPROVED';
  }

  @Apply(OrderRejected)
  rejected(event: OrderRejected) {
    this.state = 'REJECTED';
    this.rejectionReason = event.reason;
  }

  @Apply(OrderCancelled)
  cancelled(_event: OrderCancelled) {
    this.state = 'CANCELLED';
  }
  // #end-elide
}
// #endregion order-aggregate
