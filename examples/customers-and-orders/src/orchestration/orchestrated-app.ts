import { Eventloom, Messaging } from '@eventloom/core';
import { EventloomMetrics } from '@eventloom/prometheus';
import { Customer } from '../customers/customer.aggregate';
import { customerRoutes } from '../customers/customer.routes';
import { healthRoutes } from '../health/health.routes';
import { jsonApi } from '../http/json-api';
import { metricsRoutes } from '../metrics/metrics.routes';
import { listen, RunningApp } from '../app';
import { OrderHistoryStore } from '../views/order-history/order-history.store';
import { OrderHistorySubscriber } from '../views/order-history/order-history.subscriber';
import { orderHistoryRoutes } from '../views/order-history/order-history.routes';
import { CustomerCommandHandlers } from './customer-command-handlers';
import { startOrderSagas } from './order-sagas';
import { orchestratedOrderRoutes } from './orchestrated-order.routes';
import { OrdersTable } from './orders-table';

/** What the orchestrated app runs on: `Tx` is its messaging's transaction (in memory, or a mysql2 connection). */
export interface OrchestratedServices<Tx> {
  readonly eventloom: Eventloom;
  readonly messaging: Messaging<Tx>;
  readonly orders: OrdersTable<Tx>;
  readonly orderHistory: OrderHistoryStore;
}

export interface OrchestratedAppOptions {
  /** Run after the messaging closed (default: close the Eventloom). */
  readonly close?: () => Promise<void>;
  /** Served on GET /metrics when given. */
  readonly metrics?: EventloomMetrics;
  /** Default: RESERVE_CREDIT_TIMEOUT_MS. */
  readonly reserveCreditTimeoutMs?: number;
  /** false: the customer service answers no commands, a dead participant (default true). */
  readonly customerCommands?: boolean;
}

/**
 * SAGA_STYLE=orchestration in one process: the order service keeps orders in
 * a plain table and publishes its events through the outbox; CreateOrderSaga
 * and CancelOrderSaga command the customer service, which answers with its
 * event-sourced Customer. Same routes and answers as the choreography.
 */
export async function startOrchestratedApp<Tx>(services: OrchestratedServices<Tx>, port: number, options: OrchestratedAppOptions = {}): Promise<RunningApp> {
  const { eventloom, messaging, orders, orderHistory } = services;
  await eventloom.subscribe(new OrderHistorySubscriber(orderHistory)); // outbox events look like any other
  if (options.customerCommands !== false) await messaging.handleCommands(new CustomerCommandHandlers());
  const { createOrder, cancelOrder } = await startOrderSagas(messaging, orders, options);
  const { repository } = eventloom;
  const customerExists = async (id: string) => (await repository.findOptional(Customer, id)) !== undefined;
  const api = await jsonApi((app) => {
    app.register(customerRoutes, { repository });
    app.register(orchestratedOrderRoutes({ messaging, orders, createOrder, cancelOrder, customerExists }));
    app.register(orderHistoryRoutes, { store: orderHistory });
    app.register(healthRoutes, { eventloom });
    if (options.metrics) app.register(metricsRoutes, { metrics: options.metrics });
  });
  return listen(api, port, async () => {
    await messaging.close();
    await (options.close ?? (() => eventloom.close()))();
  });
}
