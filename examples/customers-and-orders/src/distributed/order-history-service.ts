import 'reflect-metadata';
import { listen } from '../app';
import { healthRoutes } from '../health/health.routes';
import { metricsRoutes } from '../metrics/metrics.routes';
import { jsonApi } from '../http/json-api';
import { mysqlRuntime } from '../runtime/mysql-runtime';
import { MySqlOrderHistoryStore } from '../views/order-history/mysql-order-history.store';
import { orderHistoryRoutes } from '../views/order-history/order-history.routes';
import { OrderHistorySubscriber } from '../views/order-history/order-history.subscriber';
import { runService } from './run-service';
import { serviceConfig } from './service-config';

/** Order-history view service: a CQRS view of customers and their orders, in its own database. */
runService('order-history view service', async () => {
  const config = serviceConfig('order_history', 8082);
  const runtime = await mysqlRuntime(config);
  const store = new MySqlOrderHistoryStore(runtime.views);
  await store.migrate();
  await runtime.eventloom.subscribe(new OrderHistorySubscriber(store));
  const api = await jsonApi((app) => {
    app.register(orderHistoryRoutes, { store });
    app.register(healthRoutes, { eventloom: runtime.eventloom });
    app.register(metricsRoutes, { metrics: runtime.metrics });
  });
  return listen(api, config.port, () => runtime.close());
});
