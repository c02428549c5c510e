import 'reflect-metadata';
import { listen } from '../app';
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
  const customerExists = (id: string) => knownCustomers.exists(id);
  const api = await jsonApi((app) => app.register(orderRoutes, { repository: runtime.eventloom.repository, customerExists }));
  return listen(api, config.port, () => runtime.close());
});
