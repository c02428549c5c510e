import { Event, Type } from '@eventloom/core';
import { Money } from '../shared/money';

// #region order-created
@Event('OrderCreated', { aggregateType: 'Order', wireName: 'dev.eventloom.examples.customersandorders.orders.OrderCreatedEvent' })
export class OrderCreated {
  @Type(() => Money) readonly orderTotal: Money;
  constructor(
    readonly customerId: string,
    orderTotal: Money,
  ) {
    this.orderTotal = orderTotal;
  }
}
// #endregion order-created

@Event('OrderApproved', { aggregateType: 'Order', wireName: 'dev.eventloom.examples.customersandorders.orders.OrderApprovedEvent' })
export class OrderApproved {
  constructor(readonly customerId: string) {}
}

@Event('OrderRejected', { aggregateType: 'Order', wireName: 'dev.eventloom.examples.customersandorders.orders.OrderRejectedEvent' })
export class OrderRejected {
  constructor(
    readonly customerId: string,
    readonly reason: string,
  ) {}
}

@Event('OrderCancelled', { aggregateType: 'Order', wireName: 'dev.eventloom.examples.customersandorders.orders.OrderCancelledEvent' })
export class OrderCancelled {
  constructor(readonly customerId: string) {}
}
