import { mysqlMessaging } from '@eventloom/mysql';
import { RunningApp } from '../app';
import { MySqlRuntime } from '../runtime/mysql-runtime';
import { MySqlOrderHistoryStore } from '../views/order-history/mysql-order-history.store';
import { MySqlOrdersTable } from './mysql-orders-table';
import { OrchestratedAppOptions, startOrchestratedApp } from './orchestrated-app';

/**
 * SAGA_STYLE=orchestration with EVENTLOOM_MYSQL_URL: the orders table, the
 * outbox and the saga instances in the service's database, written in one
 * mysql2 transaction; messages delivered as the runtime delivers events.
 */
export async function startMySqlOrchestratedApp(runtime: MySqlRuntime, port: number, options: Omit<OrchestratedAppOptions, 'close' | 'metrics'> = {}): Promise<RunningApp> {
  const orderHistory = new MySqlOrderHistoryStore(runtime.views);
  await orderHistory.migrate();
  const orders = new MySqlOrdersTable(runtime.store.pool);
  await orders.migrate();
  const messaging = mysqlMessaging(runtime.eventloom, { logger: runtime.logger });
  return startOrchestratedApp({ eventloom: runtime.eventloom, messaging, orders, orderHistory }, port, {
    ...options,
    close: () => runtime.close(),
    metrics: runtime.metrics,
  });
}
