import { RunningApp, startApp } from './app';
import { MySqlRuntime } from './runtime/mysql-runtime';
import { MySqlOrderHistoryStore } from './views/order-history/mysql-order-history.store';

/**
 * SAGA_STYLE=choreography (the default) with EVENTLOOM_MYSQL_URL: the whole
 * example on one service's MySQL runtime, its order-history view in the same
 * database; closing the app closes the runtime.
 */
export async function startMySqlApp(runtime: MySqlRuntime, port: number): Promise<RunningApp> {
  const orderHistory = new MySqlOrderHistoryStore(runtime.views);
  await orderHistory.migrate();
  return startApp(runtime.eventloom, orderHistory, port, () => runtime.close(), runtime.metrics);
}
