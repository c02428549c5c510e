import { EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { Customer } from '../customers/customer.aggregate';
import { ReleaseCredit, ReserveCredit } from '../customers/customer.commands';
import { OrderCancelled, OrderCreated } from '../orders/order.events';

/** The customer's side of the saga: hold credit for new orders, give it back for cancelled ones. */
// #region customer-workflow
@EventSubscriber('customerWorkflow')
export class CustomerWorkflow {
  @EventHandlerMethod(OrderCreated)
  async reserveCredit(ctx: EventContext<OrderCreated>) {
    await ctx.update(Customer, ctx.event.customerId, new ReserveCredit(ctx.aggregateId, ctx.event.orderTotal));
  }

  // #elide
  @EventHandlerMethod(OrderCancelled)
  async releaseCredit(ctx: EventContext<OrderCancelled>) {
    await ctx.update(Customer, ctx.event.customerId, new ReleaseCredit(ctx.aggregateId));
  }
  // #end-elide
}
// #endregion customer-workflow
