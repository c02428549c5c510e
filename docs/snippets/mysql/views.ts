// packages/mysql/README.md: a view kept in MySQL, exactly once per event.
// #region views
import { EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { MySqlViews } from '@eventloom/mysql';
// #endregion views
import { OrderCreated } from '../../../examples/customers-and-orders/src/orders/order.events';

// #region views
@EventSubscriber('order-history')
export class OrderHistory {
  constructor(private readonly views: MySqlViews) {}   // mysqlViews(store) or mysqlViews(pool, { tablePrefix })

  @EventHandlerMethod(OrderCreated)
  async onCreated(ctx: EventContext<OrderCreated>) {
    await this.views.once(ctx, async (tx) => {
      await tx.execute('INSERT INTO order_history (order_id, state) VALUES (?, ?)', [ctx.aggregateId, 'created']);
    });
  }
}
// #endregion views
