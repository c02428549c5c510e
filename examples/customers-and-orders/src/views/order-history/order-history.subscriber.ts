import { EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { CustomerCreated } from '../../customers/customer.events';
import { OrderApproved, OrderCancelled, OrderCreated, OrderRejected } from '../../orders/order.events';
import { OrderHistoryStore } from './order-history.store';

/** A CQRS view: per customer, its name, credit limit and orders with their current state. */
@EventSubscriber('orderHistory')
export class OrderHistorySubscriber {
  constructor(private readonly store: OrderHistoryStore) {}

  @EventHandlerMethod(CustomerCreated)
  async customerCreated(ctx: EventContext<CustomerCreated>) {
    await this.store.customerCreated(ctx, ctx.aggregateId, ctx.event.name, ctx.event.creditLimit.amount);
  }

  @EventHandlerMethod(OrderCreated)
  async orderCreated(ctx: EventContext<OrderCreated>) {
    await this.store.orderCreated(ctx, ctx.aggregateId, ctx.event.customerId, ctx.event.orderTotal.amount);
  }

  @EventHandlerMethod(OrderApproved)
  async orderApproved(ctx: EventContext<OrderApproved>) {
    await this.store.orderStateChanged(ctx, ctx.aggregateId, 'APPROVED');
  }

  @EventHandlerMethod(OrderRejected)
  async orderRejected(ctx: EventContext<OrderRejected>) {
    await this.store.orderStateChanged(ctx, ctx.aggregateId, 'REJECTED', ctx.event.reason);
  }

  @EventHandlerMethod(OrderCancelled)
  async orderCancelled(ctx: EventContext<OrderCancelled>) {
    await this.store.orderStateChanged(ctx, ctx.aggregateId, 'CANCELLED');
  }
}
