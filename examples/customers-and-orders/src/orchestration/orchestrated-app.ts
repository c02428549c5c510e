import { Eventloom } from '@eventloom/core';
import { embeddedMessaging } from '@eventloom/in-memory';
import { Customer } from '../customers/customer.aggregate';
import { customerRoutes } from '../customers/customer.routes';
import { jsonApi } from '../http/json-api';
import { listen, RunningApp } from '../app';
import { OrderHistoryStore } from '../views/order-history/order-history.store';
import { OrderHistorySubscriber } from '../views/order-history/order-history.subscriber';
import { orderHistoryRoutes } from '../views/order-history/order-history.routes';
import { CustomerCommandHandlers } from './customer-command-handlers';
import { cancelOrderSaga, createOrderSaga } from './order-sagas';
import { orchestratedOrderRoutes } from './orchestrated-order.routes';
import { OrdersTable } from './orders-table';

/**
 * SAGA_STYLE=orchestration, embedded: the order service keeps orders in a
 * plain table and publishes its events through the outbox; CreateOrderSaga
 * and CancelOrderSaga command the customer service, which answers with its
 * event-sourced Customer. Same routes and answers as the choreography.
 */
export async function startOrchestratedApp(eventloom: Eventloom, orderHistory: OrderHistoryStore, port: number): Promise<RunningApp> {
  const messaging = embeddedMessaging(eventloom);
  const orders = new OrdersTable();
  await eventloom.subscribe(new OrderHistorySubscriber(orderHistory)); // outbox events look like any other
  await messaging.handleCommands(new CustomerCommandHandlers());
  const createOrder = await messaging.sagas(createOrderSaga(orders));
  const cancelOrder = await messaging.sagas(cancelOrderSaga());
  const { repository } = eventloom;
  const customerExists = async (id: string) => (await repository.findOptional(Customer, id)) !== undefined;
  const api = await jsonApi((app) => {
    app.register(customerRoutes, { repository });
    app.register(orchestratedOrderRoutes, { messaging, orders, createOrder, cancelOrder, customerExists });
    app.register(orderHistoryRoutes, { store: orderHistory });
  });
  return listen(api, port, async () => {
    await messaging.close();
    await eventloom.close();
  });
}
