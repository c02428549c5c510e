import 'reflect-metadata';
import { listen } from '../app';
import { jsonServer } from '../http/router';
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
  const routes = orderRoutes(runtime.eventloom.repository, (id) => knownCustomers.exists(id));
  return listen(jsonServer(routes), config.port, () => runtime.close());
});
