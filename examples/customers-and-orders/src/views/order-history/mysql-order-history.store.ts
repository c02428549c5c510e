import { RowDataPacket } from 'mysql2/promise';
import { MySqlViews } from '@eventloom/mysql';
import { OrderState } from '../../orders/order.aggregate';
import { CustomerHistory, OrderHistoryStore, ViewChangeSource } from './order-history.store';

/**
 * The order-history view in MySQL. Each change runs in a transaction that
 * also records the event as handled (MySqlViews.once), so a redelivered event
 * changes nothing.
 */
export class MySqlOrderHistoryStore implements OrderHistoryStore {
  constructor(private readonly views: MySqlViews) {}

  /** Creates the view's tables when they are missing. */
  async migrate(): Promise<void> {
    await this.views.pool.query(`CREATE TABLE IF NOT EXISTS order_history_customers (
      customer_id VARCHAR(255) NOT NULL PRIMARY KEY,
      name VARCHAR(1000) NULL,
      credit_limit DECIMAL(19,2) NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    await this.views.pool.query(`CREATE TABLE IF NOT EXISTS order_history_orders (
      order_id VARCHAR(255) NOT NULL PRIMARY KEY,
      customer_id VARCHAR(255) NOT NULL,
      order_total DECIMAL(19,2) NOT NULL,
      state VARCHAR(16) NOT NULL,
      rejection_reason VARCHAR(1000) NULL,
      seq BIGINT NOT NULL AUTO_INCREMENT UNIQUE,
      INDEX (customer_id, seq)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  }

  async customerCreated(source: ViewChangeSource, customerId: string, name: string, creditLimit: number): Promise<void> {
    await this.views.once(source, async (tx) => {
      await tx.execute(
        `INSERT INTO order_history_customers (customer_id, name, credit_limit) VALUES (?, ?, ?)
         ON DUPLICATE KEY UPDATE name = VALUES(name), credit_limit = VALUES(credit_limit)`,
        [customerId, name, creditLimit],
      );
    });
  }

  async orderCreated(source: ViewChangeSource, orderId: string, customerId: string, orderTotal: number): Promise<void> {
    await this.views.once(source, async (tx) => {
      await tx.execute(`INSERT INTO order_history_orders (order_id, customer_id, order_total, state) VALUES (?, ?, ?, 'PENDING')`, [
        orderId,
        customerId,
        orderTotal,
      ]);
    });
  }

  async orderStateChanged(source: ViewChangeSource, orderId: string, state: OrderState, rejectionReason?: string): Promise<void> {
    await this.views.once(source, async (tx) => {
      const [result] = await tx.execute<import('mysql2').ResultSetHeader>(
        'UPDATE order_history_orders SET state = ?, rejection_reason = COALESCE(?, rejection_reason) WHERE order_id = ?',
        [state, rejectionReason ?? null, orderId],
      );
      // Events of one order arrive in order, so its row exists; if not, retry rather than lose the change.
      if (result.affectedRows === 0) throw new Error(`order-history view: order ${orderId} changed state before it was created`);
    });
  }

  async find(customerId: string): Promise<CustomerHistory | undefined> {
    const [customers] = await this.views.pool.execute<RowDataPacket[]>(
      'SELECT name, credit_limit FROM order_history_customers WHERE customer_id = ? AND name IS NOT NULL',
      [customerId],
    );
    if (customers.length === 0) return undefined;
    const [orders] = await this.views.pool.execute<RowDataPacket[]>(
      'SELECT order_id, order_total, state, rejection_reason FROM order_history_orders WHERE customer_id = ? ORDER BY seq',
      [customerId],
    );
    return {
      customerId,
      name: customers[0].name as string,
      creditLimit: { amount: Number(customers[0].credit_limit) },
      orders: orders.map((o) => ({
        orderId: o.order_id as string,
        orderTotal: { amount: Number(o.order_total) },
        state: o.state as OrderState,
        ...(o.rejection_reason ? { rejectionReason: o.rejection_reason as string } : {}),
      })),
    };
  }
}
