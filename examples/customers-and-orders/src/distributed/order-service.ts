import 'reflect-metadata';
import { FastifyPluginAsync } from 'fastify';
import { Messaging } from '@eventloom/core';
import { mysqlMessaging } from '@eventloom/mysql';
import { listen } from '../app';
import { healthRoutes, whatIsNotReady } from '../health/health.routes';
import { metricsRoutes } from '../metrics/metrics.routes';
import { serviceUnavailable } from '../http/error-replies';
import { jsonApi } from '../http/json-api';
import { orderRoutes } from '../orders/order.routes';
import { MySqlOrdersTable } from '../orchestration/mysql-orders-table';
import { orchestratedOrderRoutes } from '../orchestration/orchestrated-order.routes';
import { startOrderSagas } from '../orchestration/order-sagas';
import { mysqlRuntime } from '../runtime/mysql-runtime';
import { OrderWorkflow } from '../workflows/order-workflow';
import { KnownCustomers } from './known-customers';
import { runService } from './run-service';
import { serviceConfig } from './service-config';

/**
 * Order service: its REST API, and the order side of the saga: the event-
 * sourced Order and its workflow (choreography), or the `orders` table, the
 * outbox and the sagas commanding the customer service (orchestration).
 */
runService('order service', async () => {
  const config = serviceConfig('orders', 8083);
  const runtime = await mysqlRuntime(config);
  const knownCustomers = new KnownCustomers(runtime.views);
  await knownCustomers.migrate();
  await runtime.eventloom.subscribe(knownCustomers);
  const customerExists = async (id: string) => {
    if (await knownCustomers.existsWithin(id, config.replicaWaitMs)) return true;
    // Still unknown: only a service that is up to date may say so; one whose replica may be behind says why it cannot tell.
    const health = await runtime.eventloom.health();
    if (health.ready) return false;
    throw serviceUnavailable(`Cannot tell whether customer '${id}' exists: this service's replica of customers may be behind (${whatIsNotReady(health)}); try again shortly.`);
  };
  let messaging: Pick<Messaging<unknown>, 'close'> | undefined;
  let routes: FastifyPluginAsync;
  if (config.sagaStyle === 'orchestration') {
    const orders = new MySqlOrdersTable(runtime.store.pool);
    await orders.migrate();
    const mysql = mysqlMessaging(runtime.eventloom, { logger: runtime.logger });
    messaging = mysql;
    routes = orchestratedOrderRoutes({ messaging: mysql, orders, customerExists, ...(await startOrderSagas(mysql, orders)) });
  } else {
    await runtime.eventloom.subscribe(new OrderWorkflow());
    routes = async (app) => app.register(orderRoutes, { repository: runtime.eventloom.repository, customerExists });
  }
  const api = await jsonApi((app) => {
    app.register(routes);
    app.register(healthRoutes, { eventloom: runtime.eventloom });
    app.register(metricsRoutes, { metrics: runtime.metrics });
  });
  return listen(api, config.port, async () => {
    await messaging?.close();
    await runtime.close();
  });
});
