import 'reflect-metadata';
import { listen } from '../app';
import { healthRoutes, whatIsNotReady } from '../health/health.routes';
import { metricsRoutes } from '../metrics/metrics.routes';
import { serviceUnavailable } from '../http/error-replies';
import { jsonApi } from '../http/json-api';
import { orderRoutes } from '../orders/order.routes';
import { mysqlRuntime } from '../runtime/mysql-runtime';
import { OrderWorkflow } from '../workflows/order-workflow';
import { KnownCustomers } from './known-customers';
import { runService } from './run-service';
import { serviceConfig } from './service-config';

/** Order service: the Order aggregate, its REST API, and the order side of the saga. */
runService('order service', async () => {
  const config = serviceConfig('orders', 8083);
  const runtime = await mysqlRuntime(config);
  const knownCustomers = new KnownCustomers(runtime.views);
  await knownCustomers.migrate();
  await runtime.eventloom.subscribe(knownCustomers);
  await runtime.eventloom.subscribe(new OrderWorkflow());
  const customerExists = async (id: string) => {
    if (await knownCustomers.existsWithin(id, config.replicaWaitMs)) return true;
    // Still unknown: only a service that is up to date may say so; one whose replica may be behind says why it cannot tell.
    const health = await runtime.eventloom.health();
    if (health.ready) return false;
    throw serviceUnavailable(`Cannot tell whether customer '${id}' exists: this service's replica of customers may be behind (${whatIsNotReady(health)}); try again shortly.`);
  };
  const api = await jsonApi((app) => {
    app.register(orderRoutes, { repository: runtime.eventloom.repository, customerExists });
    app.register(healthRoutes, { eventloom: runtime.eventloom });
    app.register(metricsRoutes, { metrics: runtime.metrics });
  });
  return listen(api, config.port, () => runtime.close());
});
