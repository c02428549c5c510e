import 'reflect-metadata';
import { mysqlMessaging } from '@eventloom/mysql';
import { listen } from '../app';
import { customerRoutes } from '../customers/customer.routes';
import { healthRoutes } from '../health/health.routes';
import { metricsRoutes } from '../metrics/metrics.routes';
import { jsonApi } from '../http/json-api';
import { CustomerCommandHandlers } from '../orchestration/customer-command-handlers';
import { mysqlRuntime } from '../runtime/mysql-runtime';
import { CustomerWorkflow } from '../workflows/customer-workflow';
import { runService } from './run-service';
import { serviceConfig } from './service-config';

/**
 * Customer service: the Customer aggregate, its REST API, and the customer
 * side of the saga: reacting to order events (choreography), or answering
 * ReserveCredit/ReleaseCredit commands on its channel (orchestration).
 */
runService('customer service', async () => {
  const config = serviceConfig('customers', 8081);
  const runtime = await mysqlRuntime(config);
  const messaging = config.sagaStyle === 'orchestration' ? mysqlMessaging(runtime.eventloom, { logger: runtime.logger }) : undefined;
  if (messaging) await messaging.handleCommands(new CustomerCommandHandlers());
  else await runtime.eventloom.subscribe(new CustomerWorkflow());
  const api = await jsonApi((app) => {
    app.register(customerRoutes, { repository: runtime.eventloom.repository });
    app.register(healthRoutes, { eventloom: runtime.eventloom });
    app.register(metricsRoutes, { metrics: runtime.metrics });
  });
  return listen(api, config.port, async () => {
    await messaging?.close();
    await runtime.close();
  });
});
