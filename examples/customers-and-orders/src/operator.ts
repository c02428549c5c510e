// What the `eventloom` CLI needs of this service's code (--service examples/customers-and-orders/dist/operator.js):
// its aggregates, for `inspect`'s current state, and its subscribers, for `parked retry`, `rebuild` and `replay`.
import 'reflect-metadata';
// #region operator-service
import { defineService } from '@eventloom/cli';
import { mysqlViews } from '@eventloom/mysql';
// #endregion operator-service
import { Customer } from './customers/customer.aggregate';
import { Order } from './orders/order.aggregate';
import { MySqlOrderHistoryStore } from './views/order-history/mysql-order-history.store';
import { OrderHistorySubscriber } from './views/order-history/order-history.subscriber';
import { CustomerWorkflow } from './workflows/customer-workflow';
import { OrderWorkflow } from './workflows/order-workflow';

// #region operator-service
export default defineService({
  aggregates: [Customer, Order],
  // Built as the service builds them, on the store the CLI opened (--mysql, --table-prefix).
  subscribers: async ({ store }) => {
    const orderHistory = new MySqlOrderHistoryStore(mysqlViews(store));
    await orderHistory.migrate();
    return [new CustomerWorkflow(), new OrderWorkflow(), new OrderHistorySubscriber(orderHistory)];
  },
});
// #endregion operator-service
