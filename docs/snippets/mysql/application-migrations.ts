// packages/mysql/README.md: an application's own tables, versioned with the framework's migration runner.
import { Pool } from 'mysql2/promise';

// #region application-migrations
import { migrateApplication } from '@eventloom/mysql';

export async function migrateOrderService(mysqlUrlOrPool: string | Pool) {
  await migrateApplication(mysqlUrlOrPool, {
    component: 'order-service',
    migrations: [
      { version: 1, name: 'orders', statements: ['CREATE TABLE IF NOT EXISTS orders (order_id VARCHAR(36) PRIMARY KEY, state VARCHAR(16) NOT NULL)'] },
    ],
  });
}
// #endregion application-migrations
