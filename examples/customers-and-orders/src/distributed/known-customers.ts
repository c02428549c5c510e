import { RowDataPacket } from 'mysql2/promise';
import { EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { sleep } from '@eventloom/core/spi';
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

  /**
   * Read-your-writes across services: a customer created a moment ago may not
   * have reached this replica yet, so an unknown id is looked up again for up
   * to `waitMs` before it counts as unknown. Asks the table (not this
   * process's handler), as another instance of the service may be the one
   * that receives the event.
   */
  async existsWithin(customerId: string, waitMs: number): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await this.exists(customerId)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(50, Math.max(0, deadline - Date.now())));
    }
  }
}
