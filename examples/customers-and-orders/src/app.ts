import { AddressInfo } from 'node:net';
import { FastifyInstance } from 'fastify';
import { Eventloom } from '@eventloom/core';
import { Customer } from './customers/customer.aggregate';
import { customerRoutes } from './customers/customer.routes';
import { orderRoutes } from './orders/order.routes';
import { jsonApi } from './http/json-api';
import { CustomerWorkflow } from './workflows/customer-workflow';
import { OrderWorkflow } from './workflows/order-workflow';
import { OrderHistoryStore } from './views/order-history/order-history.store';
import { OrderHistorySubscriber } from './views/order-history/order-history.subscriber';
import { orderHistoryRoutes } from './views/order-history/order-history.routes';
import { healthRoutes } from './health/health.routes';
import { EventloomMetrics } from '@eventloom/prometheus';
import { metricsRoutes } from './metrics/metrics.routes';

export interface RunningApp {
  readonly url: string;
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
  /** Served on GET /metrics when given (the instrumentation the Eventloom was made with). */
  metrics?: EventloomMetrics,
): Promise<RunningApp> {
  // #region subscribe
  await eventloom.subscribe(new CustomerWorkflow());
  await eventloom.subscribe(new OrderWorkflow());
  await eventloom.subscribe(new OrderHistorySubscriber(orderHistory));
  // #endregion subscribe
  const { repository } = eventloom;
  const customerExists = async (id: string) => (await repository.findOptional(Customer, id)) !== undefined;
  const api = await jsonApi((app) => {
    app.register(customerRoutes, { repository });
    app.register(orderRoutes, { repository, customerExists });
    app.register(orderHistoryRoutes, { store: orderHistory });
    app.register(healthRoutes, { eventloom });
    if (metrics) app.register(metricsRoutes, { metrics });
  });
  return listen(api, port, close);
}

export async function listen(api: FastifyInstance, port: number, onClose: () => Promise<void>): Promise<RunningApp> {
  await api.listen({ port, host: '127.0.0.1' });
  const { port: actual } = api.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    async close() {
      await api.close();
      await onClose();
    },
  };
}
