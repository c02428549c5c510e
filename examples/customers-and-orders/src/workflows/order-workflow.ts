import { EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { CustomerCreditLimitExceeded, CustomerCreditReserved } from '../customers/customer.events';
import { Order } from '../orders/order.aggregate';
import { ApproveOrder, RejectOrder } from '../orders/order.commands';

/** The order's side of the saga: approve or reject on the customer's reply. */
@EventSubscriber('orderWorkflow')
export class OrderWorkflow {
  @EventHandlerMethod(CustomerCreditReserved)
  async approve(ctx: EventContext<CustomerCreditReserved>) {
    await ctx.update(Order, ctx.event.orderId, new ApproveOrder());
  }

  @EventHandlerMethod(CustomerCreditLimitExceeded)
  async reject(ctx: EventContext<CustomerCreditLimitExceeded>) {
    const { orderTotal, availableCredit } = ctx.event;
    await ctx.update(
      Order,
      ctx.event.orderId,
      new RejectOrder(`insufficient credit: order total ${orderTotal.amount}, available ${availableCredit.amount}`),
    );
  }
}
