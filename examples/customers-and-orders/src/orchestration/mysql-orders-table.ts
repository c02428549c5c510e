import { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { ApplicationMigration, migrateApplication } from '@eventloom/mysql';
import { OrderState } from '../orders/order.aggregate';
import { OrderRow, OrdersTable } from './orders-table';

/** The order service's own schema, versioned apart from the framework's; add versions, never edit one. */
const MIGRATIONS: readonly ApplicationMigration[] = [
  {
    version: 1,
    name: 'orders',
    statements: [
      `CREATE TABLE IF NOT EXISTS orders (
        order_id VARCHAR(36) NOT NULL PRIMARY KEY,
        customer_id VARCHAR(255) NOT NULL,
        order_total DECIMAL(19,2) NOT NULL,
        state VARCHAR(16) NOT NULL,
        rejection_reason VARCHAR(1000) NULL,
        KEY ix_orders_customer (customer_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    ],
  },
];

/** The `orders` table in the order service's database, written on the connection of its messaging transaction. */
export class MySqlOrdersTable implements OrdersTable<PoolConnection> {
  constructor(private readonly pool: Pool) {}

  /** Creates or upgrades the table (component 'order-service' in eventloom_app_migrations). */
  async migrate(): Promise<void> {
    await migrateApplication(this.pool, { component: 'order-service', migrations: MIGRATIONS });
  }

  async find(orderId: string): Promise<OrderRow | undefined> {
    const [rows] = await this.pool.execute<RowDataPacket[]>('SELECT * FROM orders WHERE order_id = ?', [orderId]);
    return rows[0] && toRow(rows[0]);
  }

  async lock(tx: PoolConnection, orderId: string): Promise<OrderRow | undefined> {
    const [rows] = await tx.execute<RowDataPacket[]>('SELECT * FROM orders WHERE order_id = ? FOR UPDATE', [orderId]);
    return rows[0] && toRow(rows[0]);
  }

  async put(tx: PoolConnection, row: OrderRow): Promise<void> {
    await tx.execute(
      `INSERT INTO orders (order_id, customer_id, order_total, state, rejection_reason) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE state = VALUES(state), rejection_reason = VALUES(rejection_reason)`,
      [row.orderId, row.customerId, row.orderTotal, row.state, row.rejectionReason ?? null],
    );
  }
}

function toRow(row: RowDataPacket): OrderRow {
  return {
    orderId: String(row.order_id),
    customerId: String(row.customer_id),
    orderTotal: Number(row.order_total),
    state: row.state as OrderState,
    ...(row.rejection_reason ? { rejectionReason: String(row.rejection_reason) } : {}),
  };
}
