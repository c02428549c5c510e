// packages/mysql/README.md: a batched view, a run of events in one MySQL transaction.
// #region batched-views
import { EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { MySqlViews } from '@eventloom/mysql';
// #endregion batched-views
import { OrderApproved, OrderCreated } from '../../../examples/customers-and-orders/src/orders/order.events';

// #region batched-views
@EventSubscriber('customer-order-counts', { batch: { maxEvents: 500 } })
export class CustomerOrderCounts {
  constructor(private readonly views: MySqlViews) {}

  @EventHandlerMethod(OrderCreated)
  async onCreated(ctx: EventContext<OrderCreated>) {
    // A change whose answer the handler does not need: queued, sent with the run's other changes.
    await this.views.write(
      ctx,
      'INSERT INTO customer_order_counts (customer_id, created, approved) VALUES (?, 1, 0) ON DUPLICATE KEY UPDATE created = created + 1',
      [ctx.event.customerId],
    );
  }

  @EventHandlerMethod(OrderApproved)
  async onApproved(ctx: EventContext<OrderApproved>) {
    // once() as before: in a batch, tx is the run's connection, inside the run's transaction.
    await this.views.once(ctx, async (tx) => {
      await tx.execute('UPDATE customer_order_counts SET approved = approved + 1 WHERE customer_id = ?', [ctx.event.customerId]);
    });
  }
}
// #endregion batched-views
