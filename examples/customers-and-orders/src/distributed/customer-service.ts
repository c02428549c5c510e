import 'reflect-metadata';
import { listen } from '../app';
import { customerRoutes } from '../customers/customer.routes';
import { healthRoutes } from '../health/health.routes';
import { metricsRoutes } from '../metrics/metrics.routes';
import { jsonApi } from '../http/json-api';
import { mysqlRuntime } from '../runtime/mysql-runtime';
import { CustomerWorkflow } from '../workflows/customer-workflow';
import { runService } from './run-service';
import { serviceConfig } from './service-config';

/** Customer service: the Customer aggregate, its REST API, and the customer side of the saga. */
runService('customer service', async () => {
  const config = serviceConfig('customers', 8081);
  const runtime = await mysqlRuntime(config);
  await runtime.eventloom.subscribe(new CustomerWorkflow());
  const api = await jsonApi((app) => {
    app.register(customerRoutes, { repository: runtime.eventloom.repository });
    app.register(healthRoutes, { eventloom: runtime.eventloom });
    app.register(metricsRoutes, { metrics: runtime.metrics });
  });
  return listen(api, config.port, () => runtime.close());
});
