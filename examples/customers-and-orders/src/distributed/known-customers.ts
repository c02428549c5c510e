import { RowDataPacket } from 'mysql2/promise';
import { EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { MySqlViews } from '@eventloom/mysql';
import { CustomerCreated } from '../customers/customer.events';

/**
 * The order service's replica of which customers exist, so that POST /orders
 * can refuse an unknown customer without calling the customer service.
 */
@EventSubscriber('orderService.knownCustomers')
export class KnownCustomers {
  constructor(private readonly views: MySqlViews) {}

  async migrate(): Promise<void> {
    await this.views.pool.query(
      'CREATE TABLE IF NOT EXISTS known_customers (customer_id VARCHAR(255) NOT NULL PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
  }

  @EventHandlerMethod(CustomerCreated)
  async customerCreated(ctx: EventContext<CustomerCreated>) {
    await this.views.once(ctx, async (tx) => {
      await tx.execute('INSERT IGNORE INTO known_customers (customer_id) VALUES (?)', [ctx.aggregateId]);
    });
  }

  async exists(customerId: string): Promise<boolean> {
    const [rows] = await this.views.pool.execute<RowDataPacket[]>('SELECT 1 FROM known_customers WHERE customer_id = ?', [customerId]);
    return rows.length > 0;
  }
}
