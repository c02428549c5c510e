import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { Eventloom } from '@eventloom/core';
import { Customer } from './customers/customer.aggregate';
import { customerRoutes } from './customers/customer.routes';
import { orderRoutes } from './orders/order.routes';
import { jsonServer } from './http/router';
import { CustomerWorkflow } from './workflows/customer-workflow';
import { OrderWorkflow } from './workflows/order-workflow';
import { OrderHistoryStore } from './views/order-history/order-history.store';
import { OrderHistorySubscriber } from './views/order-history/order-history.subscriber';
import { orderHistoryRoutes } from './views/order-history/order-history.routes';

export interface RunningApp {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * The whole example in one process: both aggregates, both workflows, the view
 * and the REST API, over whatever store and transport `eventloom` has.
 */
export async function startApp(
  eventloom: Eventloom,
  orderHistory: OrderHistoryStore,
  port: number,
  close: () => Promise<void> = () => eventloom.close(),
): Promise<RunningApp> {
  await eventloom.subscribe(new CustomerWorkflow());
  await eventloom.subscribe(new OrderWorkflow());
  await eventloom.subscribe(new OrderHistorySubscriber(orderHistory));
  const { repository } = eventloom;
  const customerExists = async (id: string) => (await repository.findOptional(Customer, id)) !== undefined;
  const server = jsonServer([...customerRoutes(repository), ...orderRoutes(repository, customerExists), ...orderHistoryRoutes(orderHistory)]);
  return listen(server, port, close);
}

export async function listen(server: Server, port: number, onClose: () => Promise<void>): Promise<RunningApp> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await onClose();
    },
  };
}
